import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// The pipeline's fixtures: the tiny models and the trajectories diffusers computed for them
/// (`Fixtures/scripts/models_reference.py` wrote `Fixtures/reference/<model>/{sample,invert}.safetensors`).
enum PipelineFixtures {
    static func pipeline(_ model: String, variant: String? = nil) throws -> StableDiffusionPipeline {
        try StableDiffusionPipeline(model: ModelFolder(url: ModelFolderFixtures.model(model)), variant: variant)
    }

    /// A metadata value of a reference file, which stores numbers as JSON text.
    static func metadata<Value: LosslessStringConvertible>(_ file: SafeTensorsFile, _ key: String,
                                                           as type: Value.Type = Value.self) throws -> Value {
        let text = try #require(file.metadata[key], "\(file.url.lastPathComponent) has no metadata \"\(key)\"")
        return try #require(Value(text), "metadata \"\(key)\" = \(text) is not a \(Value.self)")
    }

    /// Expects `ours` to be within `1e-4 × max(1, max|reference|)` of `reference`.
    static func expectClose(_ ours: Tensor, _ reference: Tensor, _ label: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ours.shape == reference.shape, "\(label): shape", sourceLocation: sourceLocation)
        let (difference, tolerance) = ModelFolderFixtures.deviation(ours, reference)
        #expect(difference <= tolerance, "\(label): max difference \(difference) > \(tolerance)",
                sourceLocation: sourceLocation)
    }
}

/// The base trajectory Z[0...N] of docs/algorithm.md against diffusers (`sample.safetensors`): CFG with the batch
/// [uncond, cond] and DDIM steps, on an SD 1.x-like (epsilon) and an SD 2.x-like (v-prediction) model.
@Suite struct PipelineSamplingTests {
    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func baseTrajectoryMatchesDiffusers(model: String) throws {
        let pipeline = try PipelineFixtures.pipeline(model)
        let reference = try ModelFolderFixtures.reference(model, "sample")
        let steps: Int = try PipelineFixtures.metadata(reference, "steps")
        var reported: [[Int]] = []
        let trajectory = try pipeline.baseTrajectory(
            prompt: PipelineFixtures.metadata(reference, "prompt"),
            negativePrompt: PipelineFixtures.metadata(reference, "negative_prompt"),
            guidance: PipelineFixtures.metadata(reference, "guidance"),
            seed: PipelineFixtures.metadata(reference, "seed"),
            steps: steps,
            width: PipelineFixtures.metadata(reference, "width"),
            height: PipelineFixtures.metadata(reference, "height"),
            progress: { reported.append([$0, $1]) })

        try #require(trajectory.count == steps + 1)
        for (index, latent) in trajectory.enumerated() {
            PipelineFixtures.expectClose(latent, try reference.tensor("Z\(index)", shape: [1, 4, 12, 8]), "\(model) Z\(index)")
        }
        // Z0 is torch's randn bit for bit; only the UNet steps round differently.
        #expect(trajectory[0] == (try reference.tensor("Z0")))
        #expect(try pipeline.timesteps(steps: steps) == reference.int64s("timesteps").map { Int($0) })
        #expect(reported == (1...steps).map { [$0, steps] })
        // Guidance 7.5: one UNet call of a batch of 2 per step.
        #expect(pipeline.evaluations == UNetEvaluations(calls: steps, samples: 2 * steps))

        let decoded = try pipeline.decode(latent: try #require(trajectory.last))
        PipelineFixtures.expectClose(decoded, try reference.tensor("decoded", shape: [1, 3, 96, 64]), "\(model) decoded")
    }

    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func denoiseContinuesTheBaseTrajectory(model: String) throws {
        let pipeline = try PipelineFixtures.pipeline(model)
        let reference = try ModelFolderFixtures.reference(model, "sample")
        let prompt: String = try PipelineFixtures.metadata(reference, "prompt")
        let negative: String = try PipelineFixtures.metadata(reference, "negative_prompt")
        let guidance: Double = try PipelineFixtures.metadata(reference, "guidance")
        let trajectory = try pipeline.baseTrajectory(prompt: prompt, negativePrompt: negative, guidance: guidance,
                                                     seed: 1234, steps: 6, width: 64, height: 96)
        let conditional = try pipeline.textEmbeddings(prompt)
        let unconditional = try pipeline.textEmbeddings(negative)

        let before = pipeline.evaluations
        let whole = try pipeline.denoise(latent: trajectory[0], steps: 0..<6, totalSteps: 6, conditional: conditional,
                                         unconditional: unconditional, guidance: guidance)
        #expect(whole == trajectory[6])
        #expect(pipeline.evaluations - before == UNetEvaluations(calls: 6, samples: 12))

        var reported: [[Int]] = []
        let middle = try pipeline.denoise(latent: trajectory[2], steps: 2..<5, totalSteps: 6, conditional: conditional,
                                          unconditional: unconditional, guidance: guidance,
                                          progress: { reported.append([$0, $1]) })
        #expect(middle == trajectory[5])
        #expect(reported == [[1, 3], [2, 3], [3, 3]])
        PipelineFixtures.expectClose(middle, try reference.tensor("Z5"), "\(model) Z5 from Z2")

        let unchanged = try pipeline.denoise(latent: trajectory[3], steps: 3..<3, totalSteps: 6, conditional: conditional,
                                             unconditional: unconditional, guidance: guidance)
        #expect(unchanged == trajectory[3])
        #expect(pipeline.evaluations - before == UNetEvaluations(calls: 9, samples: 18))
    }

    /// Guidance 1 runs the prompt alone: one sample per step, and the negative prompt plays no part.
    @Test func unguidedTrajectoryIgnoresTheNegativePrompt() throws {
        let pipeline = try PipelineFixtures.pipeline("tiny-sd1")
        let first = try pipeline.baseTrajectory(prompt: "a lighthouse", negativePrompt: "blurry", guidance: 1,
                                                seed: 7, steps: 3, width: 64, height: 64)
        #expect(pipeline.evaluations == UNetEvaluations(calls: 3, samples: 3))
        let second = try pipeline.baseTrajectory(prompt: "a lighthouse", guidance: 1, seed: 7, steps: 3,
                                                 width: 64, height: 64)
        #expect(first == second)
        #expect(first.map(\.shape) == Array(repeating: [1, 4, 8, 8], count: 4))
        let guided = try pipeline.baseTrajectory(prompt: "a lighthouse", negativePrompt: "blurry", guidance: 3,
                                                 seed: 7, steps: 3, width: 64, height: 64)
        #expect(guided[0] == first[0])
        #expect(guided[3] != first[3])
    }

    @Test func copiesShareTheEvaluationCounter() throws {
        let counter = UNetEvaluationCounter()
        let pipeline = try StableDiffusionPipeline(model: ModelFolder(url: ModelFolderFixtures.model("tiny-sd2")),
                                                   evaluationCounter: counter)
        let copy = pipeline
        _ = try copy.baseTrajectory(prompt: "", guidance: 2, seed: 1, steps: 2, width: 16, height: 24)
        #expect(counter.total == UNetEvaluations(calls: 2, samples: 4))
        #expect(pipeline.evaluations == counter.total)
    }
}
