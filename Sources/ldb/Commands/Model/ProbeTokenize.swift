import ArgumentParser
import LDBDiffusion
import LDBTensor

extension ModelCommand.Probe {
    /// `ldb model probe tokenize`: a prompt's 77 token ids.
    struct Tokenize: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a prompt's token ids (padded to 77).")

        @OptionGroup var model: ModelOptions
        @Option(help: "The prompt to tokenize.") var prompt: String
        @OptionGroup var output: JSONFlag

        func run() throws {
            let ids = try model.open().tokenizer().encode(prompt)
            if output.json {
                try printJSON(["input_ids": ids])
            } else {
                print(ids.map(String.init).joined(separator: " "))
            }
        }
    }

    /// `ldb model probe text-encoder`: a prompt's token ids and the text encoder's last hidden state.
    struct TextEncoderProbe: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "text-encoder", abstract: "Encode a prompt; writes input_ids and last_hidden_state.")

        @OptionGroup var model: ModelOptions
        @OptionGroup var weights: WeightPrecisionOption
        @Option(help: "The prompt to encode.") var prompt: String
        @OptionGroup var output: ProbeOutput

        func run() throws {
            let source = try model.open()
            let ids = try source.tokenizer().encode(prompt)
            let hidden = try source.textEncoder(variant: model.variant, precision: weights.precision).encode([ids])
            try output.write(["last_hidden_state": hidden],
                             integers: ["input_ids": .init(shape: [1, ids.count], values: ids.map(Int64.init))],
                             inputs: [try model.name()])
        }
    }

    /// `ldb model probe randn`: PyTorch's `torch.randn(shape, generator=manual_seed(seed))`, bit for bit.
    struct RandnProbe: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "randn", abstract: "Write torch.randn(shape) for a seed, as PyTorch's CPU generator makes it.")

        @Option(help: "The generator's seed (0 ... 2^64-1).") var seed: UInt64
        @Option(help: ArgumentHelp("The shape, comma separated; at most 2^28 elements.", valueName: "d0,d1,...")) var shape: Shape
        @OptionGroup var output: ProbeOutput

        func run() throws {
            try output.write(["randn": randn(shape.dimensions, seed: seed)])
        }
    }
}

/// A tensor shape given as `1,4,16,24`, of at most `maximumCount` elements.
struct Shape: ExpressibleByArgument {
    /// 2^28 elements: a 1 GiB float32 tensor.
    static let maximumCount = 1 << 28

    var dimensions: [Int]

    init?(argument: String) {
        let parts = argument.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else { return nil }
        dimensions = parts.compactMap { $0 }
        var count = 1
        for dimension in dimensions {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= Self.maximumCount else { return nil }
            count = product
        }
    }
}
