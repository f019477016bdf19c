import LDBTensor

/// The weight and optional bias of a `torch.nn.Linear` (`[out, in]` and `[out]`).
struct LinearWeights: Sendable {
    let weight: Tensor
    let bias: Tensor?

    /// Loads `weight` and, when present, `bias`.
    init(weights: some WeightSource, in inFeatures: Int, out outFeatures: Int) throws {
        weight = try weights.tensor("weight", shape: [outFeatures, inFeatures])
        bias = weights.contains("bias") ? try weights.tensor("bias", shape: [outFeatures]) : nil
    }

    /// `[…, in]` → `[…, out]`.
    func callAsFunction(_ input: Tensor) -> Tensor {
        input.linear(weight: weight, bias: bias)
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

    func callAsFunction(_ input: Tensor) -> Tensor {
        input.groupNorm(groups: groups, weight: weight, bias: bias, epsilon: epsilon)
    }
}

/// A `torch.nn.Conv2d` (groups = 1) with its stride and padding.
struct Conv2DWeights: Sendable {
    let weight: Tensor
    let bias: Tensor?
    let stride: Int
    let padding: Padding2D

    /// Loads a square `kernel`×`kernel` convolution's `weight` and, when present, `bias`.
    init(weights: some WeightSource, in inChannels: Int, out outChannels: Int, kernel: Int,
         stride: Int = 1, padding: Padding2D = 0) throws {
        weight = try weights.tensor("weight", shape: [outChannels, inChannels, kernel, kernel])
        bias = weights.contains("bias") ? try weights.tensor("bias", shape: [outChannels]) : nil
        self.stride = stride
        self.padding = padding
    }

    /// `[N, in, H, W]` → `[N, out, Ho, Wo]`.
    func callAsFunction(_ input: Tensor) -> Tensor {
        input.conv2d(weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
