import Foundation

/// The training noise schedule (betas and cumulative alphas) exactly as diffusers computes it.
///
/// diffusers builds the betas as float32 torch tensors and takes `torch.cumprod`; this reproduces each
/// operation so that every value is bit-for-bit torch's on CPU:
/// - `torch.linspace(start, end, n, dtype=float32)` fills the first half as `fma(step, i, start)` and
///   the second as `fma(-step, n - 1 - i, end)`, with `step = (end - start) / (n - 1)` in float32;
/// - `scaled_linear` squares a linspace of `beta_start ** 0.5 … beta_end ** 0.5` (Python's `pow`);
/// - `squaredcos_cap_v2` is computed in double precision, then rounded to float32;
/// - `torch.cumprod` on float32 accumulates in double and rounds each partial product.
///
/// The one exception is `rescale_betas_zero_snr`: it takes square roots, which torch computes on CPU with
/// MKL, not always correctly rounded, so rescaled values can differ from diffusers' in the last bits.
public struct NoiseSchedule: Sendable, Equatable {
    /// The betas of the `trainTimestepCount` training timesteps.
    public let betas: [Float]
    /// `alphas_cumprod[t]`, the product of `1 - beta` up to and including timestep `t`.
    public let alphasCumprod: [Float]

    /// Computes the schedule that `config` describes.
    /// - Throws: `SchedulerError.invalidConfig` for no timesteps or a `trained_betas` list of the wrong length.
    public init(config: SchedulerConfig) throws(SchedulerError) {
        let count = config.trainTimestepCount
        guard count >= 1 else {
            throw .invalidConfig(source: "num_train_timesteps", reason: "\(count) must be at least 1")
        }
        var betas: [Float]
        if let trained = config.trainedBetas {
            guard trained.count == count else {
                throw .invalidConfig(
                    source: "trained_betas", reason: "has \(trained.count) values, num_train_timesteps is \(count)")
            }
            betas = trained.map { Float($0) }
        } else {
            switch config.betaSchedule {
            case .linear:
                betas = Self.linspace(from: config.betaStart, to: config.betaEnd, count: count)
            case .scaledLinear:
                let roots = Self.linspace(from: pow(config.betaStart, 0.5), to: pow(config.betaEnd, 0.5), count: count)
                betas = roots.map { $0 * $0 }
            case .squaredCosCapV2:
                betas = Self.squaredCosineBetas(count: count)
            }
        }
        if config.rescaleBetasZeroSNR {
            betas = Self.rescaledToZeroTerminalSNR(betas)
        }
        self.betas = betas
        alphasCumprod = Self.cumulativeProduct(betas.map { 1 - $0 })
    }

    /// `alphas_cumprod[timestep]` with Python's indexing: a negative timestep counts from the end.
    ///
    /// diffusers' `trailing` spacing can end on timestep -1 (for 61 of 1000 steps, `np.arange` overshoots
    /// by one), and indexes the torch table with it; this returns what that indexing returns.
    /// - Returns: `nil` when `timestep` is outside `-count..<count`.
    public func alphaCumprod(at timestep: Int) -> Float? {
        let count = alphasCumprod.count
        guard (-count..<count).contains(timestep) else { return nil }
        return alphasCumprod[timestep < 0 ? timestep + count : timestep]
    }

    static func linspace(from start: Double, to end: Double, count: Int) -> [Float] {
        let start = Float(start)
        let end = Float(end)
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (end - start) / Float(count - 1)
        let halfway = count / 2
        return (0..<count).map { index in
            index < halfway
                ? start.addingProduct(step, Float(index))
                : end.addingProduct(-step, Float(count - 1 - index))
        }
    }

    /// diffusers' `betas_for_alpha_bar` with the cosine transform and `max_beta = 0.999`.
    private static func squaredCosineBetas(count: Int) -> [Float] {
        func alphaBar(_ t: Double) -> Double {
            let c = cos((t + 0.008) / 1.008 * Double.pi / 2)
            return c * c
        }
        return (0..<count).map { index in
            let t1 = Double(index) / Double(count)
            let t2 = Double(index + 1) / Double(count)
            return Float(min(1 - alphaBar(t2) / alphaBar(t1), 0.999))
        }
    }

    /// diffusers' `rescale_zero_terminal_snr` (Lin et al. 2023, algorithm 1), in float32 as there.
    private static func rescaledToZeroTerminalSNR(_ betas: [Float]) -> [Float] {
        var rootAlphaBar = cumulativeProduct(betas.map { 1 - $0 }).map { $0.squareRoot() }
        guard let first = rootAlphaBar.first, let last = rootAlphaBar.last else { return betas }
        let scale = first / (first - last)
        rootAlphaBar = rootAlphaBar.map { ($0 - last) * scale }
        let alphaBar = rootAlphaBar.map { $0 * $0 }
        var alphas = [alphaBar[0]]
        for index in alphaBar.indices.dropFirst() {
            alphas.append(alphaBar[index] / alphaBar[index - 1])
        }
        return alphas.map { 1 - $0 }
    }

    private static func cumulativeProduct(_ values: [Float]) -> [Float] {
        var product = 1.0
        return values.map { value in
            product *= Double(value)
            return Float(product)
        }
    }
}
