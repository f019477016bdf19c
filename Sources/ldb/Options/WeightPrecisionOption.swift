import ArgumentParser
import LDBDiffusion

/// `--compute` and `--half-precision-weights`: how the loaded networks compute and keep their weights in memory.
/// Shared by render, demo and the network probes.
struct WeightPrecisionOption: ParsableArguments {
    /// The arithmetic of the networks' matrix products.
    enum Compute: String, ExpressibleByArgument, CaseIterable {
        case fp32, bf16
    }

    @Option(help: ArgumentHelp(
        "The arithmetic of the networks' matrix products: fp32, or bf16 (weights rounded to bfloat16 and packed at "
            + "load, activations rounded to bfloat16 at each product, sums in float32: half the weight memory, "
            + "results within bfloat16's rounding of fp32's, cached under their own keys).",
        valueName: "fp32|bf16"))
    var compute: Compute = .fp32

    @Flag(name: .customLong("half-precision-weights"), help: ArgumentHelp(
        "Keep the weights in memory in half precision (float16): about half the memory, computed in float32; "
            + "results differ from float32 weights by the weights' rounding (they are those of the model's fp16 "
            + "weights)."))
    var halfPrecision = false

    func validate() throws {
        if halfPrecision && compute == .bf16 {
            throw ValidationError("--half-precision-weights computes in float32; it cannot be combined with --compute bf16 "
                                  + "(whose weights are 16-bit already)")
        }
    }

    var precision: WeightPrecision {
        switch compute {
        case .bf16: .bfloat16
        case .fp32: halfPrecision ? .float16 : .float32
        }
    }

    /// The options that select `precision` again, for a command line printed to be copied ("" for the default).
    static func arguments(for precision: WeightPrecision) -> String {
        switch precision {
        case .float32: ""
        case .float16: " --half-precision-weights"
        case .bfloat16: " --compute bf16"
        }
    }
}
