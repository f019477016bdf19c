import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// Classifier-free guidance as docs/algorithm.md defines it: eps_u + g (eps_c − eps_u) from one batch [uncond, cond]
/// when g > 1, else the conditional prediction alone from a batch of one.
@Suite struct PipelineGuidanceTests {
    private struct Inputs {
        let pipeline: StableDiffusionPipeline
        let latent: Tensor
        let conditional: Tensor
        let unconditional: Tensor
    }

    private func inputs(_ model: String) throws -> Inputs {
        let pipeline = try PipelineFixtures.pipeline(model)
        return Inputs(pipeline: pipeline, latent: randn([1, 4, 8, 12], seed: 5),
                      conditional: try pipeline.textEmbeddings("a red house"),
                      unconditional: try pipeline.textEmbeddings("blurry"))
    }

    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func guidedPredictionCombinesUnconditionalAndConditional(model: String) throws {
        let inputs = try inputs(model)
        let unet = inputs.pipeline.unet
        let conditional = try unet(sample: inputs.latent, timesteps: [665], encoderHiddenStates: inputs.conditional)
        let unconditional = try unet(sample: inputs.latent, timesteps: [665], encoderHiddenStates: inputs.unconditional)
        let expected = unconditional + 7.5 * (conditional - unconditional)

        let guided = try inputs.pipeline.noisePrediction(latent: inputs.latent, timestep: 665,
                                                         conditional: inputs.conditional,
                                                         unconditional: inputs.unconditional, guidance: 7.5)
        PipelineFixtures.expectClose(guided, expected, "\(model) guided prediction")
        #expect(inputs.pipeline.evaluations == UNetEvaluations(calls: 1, samples: 2))
    }

    @Test(arguments: [1.0, 0.5, -2.0])
    func guidanceOfOneOrLessRunsTheConditionalBatchAlone(guidance: Double) throws {
        let inputs = try inputs("tiny-sd1")
        let conditional = try inputs.pipeline.unet(sample: inputs.latent, timesteps: [333],
                                                   encoderHiddenStates: inputs.conditional)
        for unconditional in [inputs.unconditional, nil] {
            let prediction = try inputs.pipeline.noisePrediction(latent: inputs.latent, timestep: 333,
                                                                 conditional: inputs.conditional,
                                                                 unconditional: unconditional, guidance: guidance)
            #expect(prediction == conditional)
        }
        #expect(inputs.pipeline.evaluations == UNetEvaluations(calls: 2, samples: 2))
    }

    @Test func guidanceNeedsFittingUnconditionalEmbeddings() throws {
        let inputs = try inputs("tiny-sd1")
        #expect(throws: PipelineError.missingUnconditionalEmbeddings(guidance: 7.5)) {
            _ = try inputs.pipeline.noisePrediction(latent: inputs.latent, timestep: 1, conditional: inputs.conditional,
                                                    unconditional: nil, guidance: 7.5)
        }
        let short = inputs.unconditional.sliced(0..<10, axis: 1)
        #expect {
            _ = try inputs.pipeline.noisePrediction(latent: inputs.latent, timestep: 1, conditional: inputs.conditional,
                                                    unconditional: short, guidance: 7.5)
        } throws: { error in
            "\(error)".contains("unconditional embeddings has shape [1, 10, 32]")
        }
        #expect(throws: PipelineError.invalidGuidance(.infinity)) {
            _ = try inputs.pipeline.noisePrediction(latent: inputs.latent, timestep: 1, conditional: inputs.conditional,
                                                    unconditional: inputs.unconditional, guidance: .infinity)
        }
        #expect {
            _ = try inputs.pipeline.noisePrediction(latent: Tensor(shape: [4, 8, 12]), timestep: 1,
                                                    conditional: inputs.conditional,
                                                    unconditional: inputs.unconditional, guidance: 7.5)
        } throws: { error in
            "\(error)" == "latent has shape [4, 8, 12], expected [B, 4, h, w]"
        }
        #expect(inputs.pipeline.evaluations == UNetEvaluations())
    }
}
