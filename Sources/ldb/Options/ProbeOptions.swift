import ArgumentParser
import Foundation
import LDBDiffusion
import LDBTensor

/// `--model M [--revision R] [--variant fp16] [--prediction TYPE]`: a Stable Diffusion model.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A diffusers model folder, a single-file .safetensors checkpoint, or a Hugging Face id in the local cache.",
        valueName: "model"))
    var model: String

    @Option(help: ArgumentHelp("With a Hugging Face id: the branch, tag or commit (default: main).",
                               valueName: "revision"))
    var revision: String?

    @Option(help: ArgumentHelp("Load this weights variant, such as fp16 (default: float32 when present).",
                               valueName: "variant"))
    var variant: String?

    @Option(help: ArgumentHelp(
        "What the UNet predicts, for a single-file checkpoint that does not say: epsilon or v_prediction.",
        valueName: "type"))
    var prediction: PredictionTypeArgument?

    @Option(name: .customLong("config"), help: ArgumentHelp(
        "For a single-file checkpoint: a diffusers folder whose configs and tokenizer describe it.", valueName: "dir"))
    var configurationFolder: String?

    func location() throws -> ModelLocation {
        try ModelLocation.resolve(model, revision: revision)
    }

    func open() throws -> StableDiffusionModel {
        try StableDiffusionModel(location: location(), prediction: prediction?.type,
                                 configurationFolder: configurationFolder.map { URL(fileURLWithPath: $0) })
    }
}

/// `--model M [--revision R] [--subfolder S] [--variant fp16]`: a tiny autoencoder (TAESD, diffusers' AutoencoderTiny).
struct TinyAutoencoderOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A folder holding config.json and diffusion_pytorch_model.safetensors (as madebyollin/taesd), a model folder "
            + "whose model_index.json lists an AutoencoderTiny, or a Hugging Face id in the local cache.",
        valueName: "model"))
    var model: String

    @Option(help: ArgumentHelp("With a Hugging Face id: the branch, tag or commit (default: main).",
                               valueName: "revision"))
    var revision: String?

    @Option(help: ArgumentHelp("The folder inside the model that holds the tiny autoencoder.", valueName: "name"))
    var subfolder: String?

    @Option(help: ArgumentHelp("Load this weights variant, such as fp16 (default: float32 when present).",
                               valueName: "variant"))
    var variant: String?

    func load(precision: WeightPrecision) throws -> AutoencoderTiny {
        try AutoencoderTiny.load(model, revision: revision, subfolder: subfolder, variant: variant, precision: precision)
    }
}

/// A prediction type as diffusers' configs spell it.
struct PredictionTypeArgument: ExpressibleByArgument {
    var type: SchedulerConfig.PredictionType

    init?(argument: String) {
        guard let type = SchedulerConfig.PredictionType(rawValue: argument) else { return nil }
        self.type = type
    }

    static var allValueStrings: [String] { SchedulerConfig.PredictionType.allCases.map(\.rawValue) }
}

/// `-i IN.safetensors`: a probe's input tensors.
struct ProbeInput: ParsableArguments {
    @Option(name: [.short, .customLong("input")], help: ArgumentHelp("The input tensors.", valueName: "in.safetensors"))
    var input: String

    func file() throws -> SafeTensorsFile {
        try SafeTensorsFile(contentsOf: URL(fileURLWithPath: input))
    }
}

/// `-o OUT.safetensors`: where a probe writes its results.
struct ProbeOutput: ParsableArguments {
    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where to write the results.",
                                                                      valueName: "out.safetensors"))
    var output: String

    func write(_ tensors: [String: Tensor], integers: [String: SafeTensorsWriter.IntegerTensor] = [:],
               metadata: [String: String] = [:]) throws {
        try SafeTensorsWriter.write(tensors, metadata: metadata, integers: integers, to: URL(fileURLWithPath: output))
        let names = (Array(tensors.keys) + Array(integers.keys)).sorted()
        print("wrote \(names.joined(separator: ", ")) to \(output)")
    }
}

/// `--repeat K`: evaluate K times on the same input, printing each evaluation's time on stderr.
struct RepeatOption: ParsableArguments {
    @Option(name: .customLong("repeat"), help: "Evaluate K times on the same input and print each time on stderr.")
    var count = 1

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--repeat must be at least 1.") }
    }

    /// Runs `body` `count` times, printing `LABEL eval I: S s` after each, and returns the last result.
    func run<Result>(_ label: String, _ body: () throws -> Result) throws -> Result {
        var result = try timed(label, 1, body)
        for index in stride(from: 2, through: count, by: 1) {
            result = try timed(label, index, body)
        }
        return result
    }

    private func timed<Result>(_ label: String, _ index: Int, _ body: () throws -> Result) throws -> Result {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        FileHandle.standardError.write(Data("\(label) eval \(index): \(String(format: "%.3f", seconds)) s\n".utf8))
        return result
    }
}
