import ArgumentParser
import LDBDiffusion

/// `--half-precision-weights`: how the loaded networks keep their weights in memory.
struct WeightPrecisionOption: ParsableArguments {
    @Flag(name: .customLong("half-precision-weights"), help: ArgumentHelp(
        "Keep the weights in memory in half precision (float16): about half the memory, computed in float32; "
            + "results differ from float32 weights by the weights' rounding (they are those of the model's fp16 "
            + "weights)."))
    var halfPrecision = false

    var precision: WeightPrecision { halfPrecision ? .float16 : .float32 }
}
