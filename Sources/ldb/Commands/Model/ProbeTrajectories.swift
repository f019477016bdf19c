import ArgumentParser
import Foundation
import LDBDiffusion
import LDBDocument
import LDBTensor

extension ModelCommand.Probe {
    /// `ldb model probe sample`: the base trajectory Z0 … ZN of a generated image.
    struct SampleProbe: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sample",
            abstract: "Generate the base trajectory Z0 ... ZN of a prompt (DDIM, classifier-free guidance).")

        @OptionGroup var model: ModelOptions
        @OptionGroup var weights: WeightPrecisionOption
        @Option(help: "The prompt.") var prompt: String
        @Option(name: .customLong("negative"), help: "The negative prompt.") var negativePrompt = ""
        @Option(help: "Denoising steps N.") var steps: Int
        @Option(help: "The guidance scale; 1 or less means no classifier-free guidance.") var guidance: Double
        @Option(help: "The seed of the initial noise.") var seed: UInt64
        @Option(help: ArgumentHelp("The image size.", valueName: "WxH")) var size: ImageSize
        @OptionGroup var output: ProbeOutput

        func validate() throws {
            if let problem = ParameterBounds.sizeProblem(width: size.width, height: size.height) {
                throw ValidationError("--size: \(problem)")
            }
            try Self.validate(steps: steps)
            guard ParameterBounds.guidance.contains(guidance) else {
                throw ValidationError("--guidance \(guidance) must be a number from 0 to \(Int(ParameterBounds.guidance.upperBound))")
            }
        }

        static func validate(steps: Int) throws {
            guard ParameterBounds.steps.contains(steps) || steps == 1 else {
                throw ValidationError("--steps \(steps) must be between 1 and \(ParameterBounds.steps.upperBound)")
            }
        }

        func run() throws {
            let pipeline = try model.open().pipeline(variant: model.variant, precision: weights.precision)
            let progress = ProgressReporter("sample")
            let trajectory = try pipeline.baseTrajectory(
                prompt: prompt, negativePrompt: negativePrompt, guidance: guidance, seed: seed, steps: steps,
                width: size.width, height: size.height, progress: progress.update)
            try output.write(
                Dictionary(uniqueKeysWithValues: trajectory.enumerated().map { ("Z\($0.offset)", $0.element) }),
                inputs: [try model.name()])
        }
    }

    /// `ldb model probe invert`: the DDIM inversion trajectory X0 … XN of an image.
    struct InvertProbe: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "invert",
            abstract: "Invert an image with DDIM: X0 = the VAE mean times the scaling factor, ... XN.",
            discussion: "Reads image [1,3,H,W] in [-1,1].")

        @OptionGroup var model: ModelOptions
        @OptionGroup var weights: WeightPrecisionOption
        @OptionGroup var input: ProbeInput
        @Option(help: "The prompt that conditions the inversion.") var prompt = ""
        @Option(help: "Inversion steps N.") var steps: Int
        @OptionGroup var output: ProbeOutput

        func validate() throws {
            try SampleProbe.validate(steps: steps)
        }

        func run() throws {
            let pipeline = try model.open().pipeline(variant: model.variant, precision: weights.precision)
            let progress = ProgressReporter("invert")
            let trajectory = try pipeline.inversionTrajectory(
                image: try input.file().tensor("image"), prompt: prompt, steps: steps, progress: progress.update)
            try output.write(
                Dictionary(uniqueKeysWithValues: trajectory.enumerated().map { ("X\($0.offset)", $0.element) }),
                inputs: [try model.name(), input.input])
        }
    }
}
