import LDBDiffusion
import LDBTensor
import Testing

/// The sampling loop steps a fresh run of the scheduler per pass, so a scheduler that remembers past model outputs
/// (a multistep method) plugs into it unchanged, and DDIM's runs are its own steps.
@Suite struct SchedulerRunTests {
    /// A noise predictor in closed form: 0.1 x + t / 1000.
    struct AffinePredictor: NoisePredicting {
        var unetSizeMultiple: Int { 1 }

        func noisePrediction(latent: Tensor, timestep: Int, conditional: Tensor, unconditional: Tensor?,
                             guidance: Double) throws -> Tensor {
            Tensor(shape: latent.shape, scalars: latent.scalars.map { 0.1 * $0 + Float(timestep) / 1000 })
        }
    }

    /// A two-step method in the manner of DPM-Solver++ 2M: each step adds the mean of this output and the one
    /// before it in the same run (this output alone on the run's first step), and counts the steps it took.
    struct TwoStepScheduler: Scheduler {
        struct Run: SchedulerRun {
            var previous: Tensor?
            var taken = 0

            mutating func step(output: Tensor, timestep: Int, sample: Tensor) throws(SchedulerError) -> Tensor {
                let mean = previous.map { (output + $0) * 0.5 } ?? output
                previous = output
                taken += 1
                return Tensor(shape: sample.shape, scalars: zip(sample.scalars, mean.scalars).map { $0 - $1 })
            }
        }

        let config = SchedulerConfig()
        let stepCount = 4
        let timesteps = [750, 500, 250, 0]
        let initNoiseSigma: Float = 1

        func makeRun(indices: Range<Int>) -> Run { Run() }
    }

    let latent = Tensor(shape: [1, 2, 1, 2], scalars: [0.5, -1, 2, 0.25])
    let embeddings = Tensor(shape: [1, 1, 1], scalars: [0])

    /// What `TwoStepScheduler` computes over `timesteps`, written out.
    func expectedTwoStep(from start: Tensor, timesteps: [Int]) -> Tensor {
        var sample = start.scalars
        var previous: [Float]?
        for timestep in timesteps {
            let output = sample.map { 0.1 * $0 + Float(timestep) / 1000 }
            let mean = previous.map { zip(output, $0).map { ($0 + $1) * 0.5 } } ?? output
            previous = output
            sample = zip(sample, mean).map { $0 - $1 }
        }
        return Tensor(shape: start.shape, scalars: sample)
    }

    @Test func aMultistepSchedulerKeepsItsStateWithinOnePassAndStartsFreshInTheNext() throws {
        let predictor = AffinePredictor()
        let scheduler = TwoStepScheduler()
        let whole = try predictor.sample(with: scheduler, indices: 0..<4, from: latent, conditional: embeddings,
                                         unconditional: nil, guidance: 1) { _ in }
        #expect(whole == expectedTwoStep(from: latent, timesteps: [750, 500, 250, 0]))

        // A pass from step 2 remembers nothing of the pass before it.
        let tail = try predictor.sample(with: scheduler, indices: 2..<4, from: latent, conditional: embeddings,
                                        unconditional: nil, guidance: 1) { _ in }
        #expect(tail == expectedTwoStep(from: latent, timesteps: [250, 0]))
        #expect(tail != expectedTwoStep(from: latent, timesteps: [750, 250, 0]))
    }

    @Test func ddimRunsAreItsOwnSteps() throws {
        let predictor = AffinePredictor()
        var config = SchedulerConfig()
        config.clipSample = false
        let scheduler = try DDIMScheduler(config: config, stepCount: 5)
        var expected = latent
        for timestep in scheduler.timesteps[1..<4] {
            let output = try predictor.noisePrediction(latent: expected, timestep: timestep, conditional: embeddings,
                                                       unconditional: nil, guidance: 1)
            expected = try scheduler.step(output: output, timestep: timestep, sample: expected)
        }
        let sampled = try predictor.sample(with: scheduler, indices: 1..<4, from: latent, conditional: embeddings,
                                           unconditional: nil, guidance: 1) { _ in }
        #expect(sampled.scalars == expected.scalars)
    }
}
