/// The inference timesteps of diffusers' DDIM `set_timesteps`, with numpy's arithmetic.
enum TimestepSchedule {
    /// `DDIMScheduler.set_timesteps(steps)`: timesteps from noisiest to cleanest.
    ///
    /// - `leading`: `arange(0, steps) * (T // steps)`, reversed, plus `steps_offset`.
    /// - `trailing`: `round(arange(T, 0, -T / steps)) - 1`. The float `arange` can yield one extra
    ///   value (61 of 1000 steps gives 62 timesteps, the last being -1), and diffusers keeps it.
    /// - `linspace`: `round(linspace(0, T - 1, steps))`, reversed.
    static func descending(config: SchedulerConfig, steps: Int) throws(SchedulerError) -> [Int] {
        let train = config.trainTimestepCount
        guard (1...max(train, 1)).contains(steps) else { throw .invalidStepCount(steps, trainTimestepCount: train) }
        switch config.timestepSpacing {
        case .leading:
            let ratio = train / steps
            return (0..<steps).reversed().map { $0 * ratio + config.stepsOffset }
        case .trailing:
            return floatArange(from: Double(train), to: 0, step: -Double(train) / Double(steps))
                .map { Int($0.rounded(.toNearestOrEven)) - 1 }
        case .linspace:
            return linspace(to: Double(train - 1), count: steps).reversed().map { Int($0.rounded(.toNearestOrEven)) }
        }
    }

    /// `numpy.arange` for doubles: `ceil((stop - start) / step)` values; the first is `start`, the second
    /// `start + step`, and the rest `start + i * delta` with `delta` the difference of those two.
    private static func floatArange(from start: Double, to stop: Double, step: Double) -> [Double] {
        let length = ((stop - start) / step).rounded(.up)
        guard length >= 1 else { return [] }
        let count = Int(length)
        let second = start + step
        let delta = second - start
        return (0..<count).map { index in
            switch index {
            case 0: start
            case 1: second
            default: start + Double(index) * delta
            }
        }
    }

    /// `numpy.linspace(0, stop, count)`: `i * (stop / (count - 1))`, with the last value exactly `stop`.
    private static func linspace(to stop: Double, count: Int) -> [Double] {
        guard count > 1 else { return [0] }
        let step = stop / Double(count - 1)
        return (0..<count).map { $0 == count - 1 ? stop : Double($0) * step }
    }
}
