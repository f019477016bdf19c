/// A dense, row-major tensor of IEEE 754 binary16 numbers kept as their bit patterns: half the memory of a
/// float32 `Tensor`, for weights that are stored in half precision and computed with in float32.
///
/// Rounding a float32 tensor to it (`init(rounding:)`) gives PyTorch's `tensor.half()` bit for bit, and widening
/// (`floats()`) is exact, so `HalfTensor(rounding: t).floats()` equals `t.half().float()`.
public struct HalfTensor: Equatable, Sendable {
    /// The extent of each dimension, outermost first.
    public let shape: [Int]
    /// The binary16 bit patterns in row-major order; `bits.count == shape.reduce(1, *)`.
    public let bits: [UInt16]

    /// Creates a tensor from its shape and row-major bit patterns.
    /// - Precondition: the element count matches the shape (a programming error, not a user error).
    public init(shape: [Int], bits: [UInt16]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == bits.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) elements, got \(bits.count)")
        self.shape = shape
        self.bits = bits
    }

    /// `tensor` rounded to binary16, to nearest with ties to even, as PyTorch's `.half()`: overflow gives
    /// infinity, underflow a subnormal or a signed zero, and NaNs stay NaN with their sign.
    public init(rounding tensor: Tensor) {
        let half = tensor.scalars.withUnsafeBufferPointer { HalfTensor(rounding: $0, shape: tensor.shape) }
        self = half
    }

    /// The floats of `source`, laid out as `shape`, rounded as `init(rounding:)` rounds.
    init(rounding source: UnsafeBufferPointer<Float>, shape: [Int]) {
        let count = source.count
        let bits = [UInt16](unsafeUninitializedCapacity: count) { destination, initialized in
            if let source = source.baseAddress, let destination = destination.baseAddress {
                Self.inParallel(count) { range in
                    HalfConversion.narrow(source + range.lowerBound, into: destination + range.lowerBound,
                                          count: range.count)
                }
            }
            initialized = count
        }
        self.init(shape: shape, bits: bits)
    }

    /// The number of elements.
    public var count: Int { bits.count }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The bytes the elements occupy: two per element.
    public var byteCount: Int { bits.count * MemoryLayout<UInt16>.stride }

    /// The values as a float32 tensor; exact.
    public func floats() -> Tensor {
        Tensor(shape: shape, scalars: [Float](unsafeUninitializedCapacity: count) { destination, initialized in
            if let destination = destination.baseAddress { widen(into: destination) }
            initialized = count
        })
    }

    /// Writes every value, widened to float32, to `destination`, which has room for `count` floats.
    public func widen(into destination: UnsafeMutablePointer<Float>) {
        bits.withUnsafeBufferPointer { source in
            guard let source = source.baseAddress else { return }
            Self.inParallel(count) { range in
                HalfConversion.widen(source + range.lowerBound, into: destination + range.lowerBound, count: range.count)
            }
        }
    }

    /// The same elements seen with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> HalfTensor {
        HalfTensor(shape: newShape, bits: bits)
    }

    /// The slices `range` of the first dimension (rows of a matrix, output channels of a convolution kernel).
    public func sliced(_ range: Range<Int>) -> HalfTensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "sliced: \(range) is outside the first dimension of \(shape)")
        let stride = shape.dropFirst().reduce(1, *)
        return HalfTensor(shape: [range.count] + shape.dropFirst(),
                          bits: Array(bits[range.lowerBound * stride ..< range.upperBound * stride]))
    }

    /// Rows of a `[rows, width]` matrix gathered in order and widened, as an embedding lookup:
    /// `[indices.count, width]`.
    public func rows(at indices: [Int]) -> Tensor {
        precondition(rank == 2, "rows(at:): \(shape) is not a matrix")
        let (rowCount, width) = (shape[0], shape[1])
        var scalars = [Float](repeating: 0, count: indices.count * width)
        bits.withUnsafeBufferPointer { source in
            scalars.withUnsafeMutableBufferPointer { destination in
                guard let source = source.baseAddress, let destination = destination.baseAddress else { return }
                for (row, index) in indices.enumerated() {
                    precondition(index >= 0 && index < rowCount, "rows(at:): row \(index) outside 0..<\(rowCount)")
                    HalfConversion.widen(source + index * width, into: destination + row * width, count: width)
                }
            }
        }
        return Tensor(shape: [indices.count, width], scalars: scalars)
    }

    /// Runs `body` over chunks of `0..<count` on every core once the work is worth it.
    private static func inParallel(_ count: Int, _ body: (Range<Int>) -> Void) {
        Parallel.forEachChunk(of: count, minimumChunk: 1 << 16, body)
    }
}
