import LDBTensor

/// Named weights of one model component (the UNet, the VAE, the text encoder), handed out as float32 tensors, or
/// as binary16 for the large matrices of a network that keeps them in half precision (`matrix`, `WeightsAtPrecision`).
///
/// Names are the component's own state-dict keys as diffusers and transformers save them
/// (`down_blocks.0.resnets.0.conv1.weight`); a source built from a single-file checkpoint maps its keys to these.
public protocol WeightSource: Sendable {
    /// The weight `name`, converted to float32, checked to have `shape`.
    /// Throws an error naming the tensor and the file when it is missing or has another shape.
    func tensor(_ name: String, shape: [Int]) throws -> Tensor

    /// Whether a weight called `name` exists (for optional parameters such as biases).
    func contains(_ name: String) -> Bool

    /// The weight `name` rounded to binary16 (a tensor stored as F16 keeps its bits), checked to have `shape`.
    /// The default rounds `tensor(_:shape:)`; sources that read files convert from the stored type directly.
    func halfTensor(_ name: String, shape: [Int]) throws -> HalfTensor

    /// A large weight — a linear or convolution matrix, an embedding table — in the storage the layer keeps it in.
    /// The default is float32 (`tensor(_:shape:)`); `WeightsAtPrecision` keeps it in half precision.
    func matrix(_ name: String, shape: [Int]) throws -> WeightTensor
}

extension WeightSource {
    public func halfTensor(_ name: String, shape: [Int]) throws -> HalfTensor {
        HalfTensor(rounding: try tensor(name, shape: shape))
    }

    public func matrix(_ name: String, shape: [Int]) throws -> WeightTensor {
        .float32(try tensor(name, shape: shape))
    }

    /// A view of the weights whose names start with `prefix` + ".", addressed without it.
    public func scoped(_ prefix: String) -> ScopedWeights<Self> {
        ScopedWeights(base: self, prefix: prefix)
    }

    /// These weights as a network loaded at `precision` keeps them (see `WeightPrecision`).
    public func at(_ precision: WeightPrecision) -> WeightsAtPrecision<Self> {
        WeightsAtPrecision(base: self, precision: precision)
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

    public func halfTensor(_ name: String, shape: [Int]) throws -> HalfTensor {
        try base.halfTensor(prefix + "." + name, shape: shape)
    }

    public func matrix(_ name: String, shape: [Int]) throws -> WeightTensor {
        try base.matrix(prefix + "." + name, shape: shape)
    }
}

/// Weights as a network loaded at a `WeightPrecision` keeps them.
///
/// At `.float32` they pass through unchanged. At `.float16` every weight is rounded to binary16 — so a network
/// computes exactly what it would from the model's fp16 files — and the large matrices stay 16-bit in memory
/// (`matrix` gives `WeightTensor.float16`); small ones (biases, norms) are handed out widened again to float32.
/// At `.bfloat16` the large matrices are rounded to bfloat16 and packed (`WeightTensor.bfloat16`) and the small
/// ones stay float32.
public struct WeightsAtPrecision<Base: WeightSource>: WeightSource {
    let base: Base
    public let precision: WeightPrecision

    public func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        switch precision {
        case .float32: try base.tensor(name, shape: shape)
        case .float16: try base.halfTensor(name, shape: shape).floats()
        case .bfloat16: try base.tensor(name, shape: shape)
        }
    }

    public func contains(_ name: String) -> Bool {
        base.contains(name)
    }

    public func halfTensor(_ name: String, shape: [Int]) throws -> HalfTensor {
        try base.halfTensor(name, shape: shape)
    }

    public func matrix(_ name: String, shape: [Int]) throws -> WeightTensor {
        switch precision {
        case .float32: try base.matrix(name, shape: shape)
        case .float16: .float16(try base.halfTensor(name, shape: shape))
        case .bfloat16: .bfloat16(PackedWeight(roundingToBFloat16: try base.tensor(name, shape: shape)))
        }
    }
}
