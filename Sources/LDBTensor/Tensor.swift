/// A dense, row-major float32 tensor.
///
/// Storage is a Swift array, so copies are cheap until one of them is mutated. Shapes follow PyTorch's
/// conventions (`[batch, channels, height, width]` for images and latents).
public struct Tensor: Equatable, Sendable {
    /// The extent of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Float]

    /// Creates a tensor from its shape and row-major elements.
    /// - Precondition: the element count matches the shape (a programming error, not a user error).
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) elements, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor of the given shape filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The same elements seen with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// `count` floats whose values are unspecified, for a result whose every element the caller writes before
    /// reading: skips zero-filling buffers that are about to be overwritten (up to hundreds of MB per VAE step).
    static func uninitializedScalars(count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initializedCount in initializedCount = count }
    }
}
