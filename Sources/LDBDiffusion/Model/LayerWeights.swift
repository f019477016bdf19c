import LDBTensor

/// The weight and optional bias of a `torch.nn.Linear` (`[out, in]` and `[out]`). The weight is kept as the
/// source hands out matrices (float32, or 16-bit under `WeightsAtPrecision`); the bias always as a float32 tensor.
struct LinearWeights: Sendable {
    let weight: WeightTensor
    let bias: Tensor?

    /// Loads `weight` and, when present, `bias`.
    init(weights: some WeightSource, in inFeatures: Int, out outFeatures: Int) throws {
        weight = try weights.matrix("weight", shape: [outFeatures, inFeatures])
        bias = weights.contains("bias") ? try weights.tensor("bias", shape: [outFeatures]) : nil
    }

    /// `[…, in]` → `[…, out]`.
    func callAsFunction(_ input: Tensor) -> Tensor {
        input.linear(weight: weight, bias: bias)
    }

    /// Whether products with this layer compute in bfloat16 (its weight was packed for the bfloat16 compute mode).
    var computesInBFloat16: Bool {
        if case .bfloat16 = weight { return true }
        return false
    }
}

/// The scale and shift of a `torch.nn.LayerNorm` over the last dimension.
struct LayerNormWeights: Sendable {
    let weight: Tensor
    let bias: Tensor

    init(weights: some WeightSource, width: Int) throws {
        weight = try weights.tensor("weight", shape: [width])
        bias = try weights.tensor("bias", shape: [width])
    }

    func callAsFunction(_ input: Tensor, epsilon: Float) -> Tensor {
        input.layerNorm(weight: weight, bias: bias, epsilon: epsilon)
    }
}

/// The scale and shift of a `torch.nn.GroupNorm`, with its group count and epsilon.
struct GroupNormWeights: Sendable {
    let weight: Tensor
    let bias: Tensor
    let groups: Int
    let epsilon: Float

    init(weights: some WeightSource, channels: Int, groups: Int, epsilon: Float) throws {
        weight = try weights.tensor("weight", shape: [channels])
        bias = try weights.tensor("bias", shape: [channels])
        self.groups = groups
        self.epsilon = epsilon
    }

    /// The normalised input, with SiLU applied in the same pass when `thenSiLU`.
    func callAsFunction(_ input: Tensor, thenSiLU: Bool = false) -> Tensor {
        input.groupNorm(groups: groups, weight: weight, bias: bias, epsilon: epsilon, thenSiLU: thenSiLU)
    }
}

/// A `torch.nn.Conv2d` (groups = 1) with its stride and padding; the kernel is kept as `LinearWeights` keeps its
/// matrix.
struct Conv2DWeights: Sendable {
    let weight: WeightTensor
    let bias: Tensor?
    let stride: Int
    let padding: Padding2D

    /// Loads a square `kernel`×`kernel` convolution's `weight` and, when present, `bias`.
    init(weights: some WeightSource, in inChannels: Int, out outChannels: Int, kernel: Int,
         stride: Int = 1, padding: Padding2D = 0) throws {
        weight = try weights.matrix("weight", shape: [outChannels, inChannels, kernel, kernel])
        bias = weights.contains("bias") ? try weights.tensor("bias", shape: [outChannels]) : nil
        self.stride = stride
        self.padding = padding
    }

    /// `[N, in, H, W]` → `[N, out, Ho, Wo]`.
    func callAsFunction(_ input: Tensor) -> Tensor {
        input.conv2d(weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
