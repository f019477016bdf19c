/// How a loaded network keeps its weights in memory. The arithmetic is float32 either way.
public enum WeightPrecision: String, Sendable, CaseIterable {
    /// Every weight in float32, as loaded (a float16 file's values widen exactly).
    case float32
    /// Every weight rounded to IEEE binary16 as PyTorch's `.half()` rounds (a tensor stored as F16 keeps its
    /// bits), and the large matrices — linear and convolution weights, embedding tables — kept in 16 bits: about
    /// half the memory. Each layer widens its matrix to float32 while it runs, so the results are those of the
    /// model's fp16 weights computed in float32, and differ from float32 weights by the weights' rounding.
    case float16
}
