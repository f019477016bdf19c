/// How a loaded network keeps its weights in memory, and so how it computes its matrix products: in float32
/// for `.float32` and `.float16`, in bfloat16 with float32 accumulation for `.bfloat16`.
public enum WeightPrecision: String, Sendable, CaseIterable {
    /// Every weight in float32, as loaded (a float16 file's values widen exactly).
    case float32
    /// Every weight rounded to IEEE binary16 as PyTorch's `.half()` rounds (a tensor stored as F16 keeps its
    /// bits), and the large matrices — linear and convolution weights, embedding tables — kept in 16 bits: about
    /// half the memory. Each layer widens its matrix to float32 while it runs, so the results are those of the
    /// model's fp16 weights computed in float32, and differ from float32 weights by the weights' rounding.
    case float16
    /// The bfloat16 compute mode (`--compute bf16`): the large matrices rounded to bfloat16 (ties to even) and
    /// packed once at load, and every product with them rounding its other operand (the activations) to
    /// bfloat16 and accumulating in float32, the UNet's and VAE's attention products alike; everything else —
    /// biases, norms, element-wise work, softmax — in float32. Half the weight memory, and results within
    /// bfloat16's rounding of float32's (PyTorch's `torch.autocast("cpu", dtype=torch.bfloat16)` computes
    /// alike). See docs/algorithm.md, "bfloat16 compute".
    case bfloat16
}
