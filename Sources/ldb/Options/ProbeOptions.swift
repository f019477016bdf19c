import ArgumentParser
import Foundation
import LDBDiffusion
import LDBTensor

/// `--model M [--revision R] [--variant fp16] [--prediction TYPE]`: a Stable Diffusion model.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A diffusers model folder, a single-file .safetensors checkpoint, or a Hugging Face id in the local cache.",
        valueName: "model"))
    var model: String?

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

    /// The model given, or a "Missing --model" error.
    func name() throws -> String {
        guard let model else { throw ValidationError("Missing expected argument '--model <model>'") }
        return model
    }

    func location() throws -> ModelLocation {
        try ModelLocation.resolve(name(), revision: revision)
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

    func validate() throws {
        _ = try OutputFile(output, format: .safetensors, inputs: [])
    }

    /// Writes the tensors, never over one of `inputs` (the model, the input tensors).
    func write(_ tensors: [String: Tensor], integers: [String: SafeTensorsWriter.IntegerTensor] = [:],
               metadata: [String: String] = [:], inputs: [String] = []) throws {
        let file = try OutputFile(output, format: .safetensors, inputs: inputs)
        try file.write(SafeTensorsWriter.encode(tensors, metadata: metadata, integers: integers, file: output))
        let names = (Array(tensors.keys) + Array(integers.keys)).sorted()
        print("wrote \(names.joined(separator: ", ")) to \(output)")
    }
}

/// `--repeat K`: evaluate K times on the same input, printing each evaluation's time on stderr.
struct RepeatOption: ParsableArguments {
    /// The most evaluations one run may repeat.
    static let maximumCount = 1000

    @Option(name: .customLong("repeat"),
            help: "Evaluate K times (1 to 1000) on the same input and print each time on stderr.")
    var count = 1

    func validate() throws {
        guard (1...Self.maximumCount).contains(count) else {
            throw ValidationError("--repeat \(count) must be between 1 and \(Self.maximumCount).")
        }
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
