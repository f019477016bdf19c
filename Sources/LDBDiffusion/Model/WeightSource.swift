import LDBTensor

/// Named float32 weights of one model component (the UNet, the VAE, the text encoder).
///
/// Names are the component's own state-dict keys as diffusers and transformers save them
/// (`down_blocks.0.resnets.0.conv1.weight`); a source built from a single-file checkpoint maps its keys to these.
public protocol WeightSource: Sendable {
    /// The weight `name`, converted to float32, checked to have `shape`.
    /// Throws an error naming the tensor and the file when it is missing or has another shape.
    func tensor(_ name: String, shape: [Int]) throws -> Tensor

    /// Whether a weight called `name` exists (for optional parameters such as biases).
    func contains(_ name: String) -> Bool
}

extension WeightSource {
    /// A view of the weights whose names start with `prefix` + ".", addressed without it.
    public func scoped(_ prefix: String) -> ScopedWeights<Self> {
        ScopedWeights(base: self, prefix: prefix)
    }
}

/// The weights under one key prefix, such as `down_blocks.0.resnets.0`.
public struct ScopedWeights<Base: WeightSource>: WeightSource {
    let base: Base
    let prefix: String

    public func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        try base.tensor(prefix + "." + name, shape: shape)
    }

    public func contains(_ name: String) -> Bool {
        base.contains(prefix + "." + name)
    }
}
