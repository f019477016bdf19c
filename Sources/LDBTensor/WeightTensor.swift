import Foundation

/// A layer's weight as it is kept in memory: float32, or binary16 (half the bytes) that is widened to float32
/// for the duration of each use, so that the arithmetic is float32 either way; or bfloat16 packed for the
/// bfloat16 products (`PackedWeight`), whose arithmetic rounds the activations to bfloat16 as well.
public enum WeightTensor: Equatable, Sendable {
    case float32(Tensor)
    case float16(HalfTensor)
    case bfloat16(PackedWeight)

    /// The extent of each dimension, outermost first.
    public var shape: [Int] {
        switch self {
        case .float32(let tensor): tensor.shape
        case .float16(let tensor): tensor.shape
        case .bfloat16(let weight): weight.shape
        }
    }

    /// The bytes the elements occupy in memory.
    public var byteCount: Int {
        switch self {
        case .float32(let tensor): tensor.count * MemoryLayout<Float>.stride
        case .float16(let tensor): tensor.byteCount
        case .bfloat16(let weight): weight.byteCount
        }
    }

    /// The values as a float32 tensor (exact for every storage).
    public func floats() -> Tensor {
        switch self {
        case .float32(let tensor): tensor
        case .float16(let tensor): tensor.floats()
        case .bfloat16(let weight): weight.floats()
        }
    }

    /// The same elements seen with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> WeightTensor {
        switch self {
        case .float32(let tensor): .float32(tensor.reshaped(newShape))
        case .float16(let tensor): .float16(tensor.reshaped(newShape))
        case .bfloat16(let weight): .bfloat16(weight.reshaped(newShape))
        }
    }

    /// Rows of a `[rows, width]` table, as `Tensor.rows(at:)`: `[indices.count, width]` in float32.
    public func rows(at indices: [Int]) -> Tensor {
        switch self {
        case .float32(let tensor): tensor.rows(at: indices)
        case .float16(let tensor): tensor.rows(at: indices)
        case .bfloat16(let weight): weight.rows(at: indices)
        }
    }

    /// Calls `body` with the weight as a float32 tensor. A half-precision weight is widened once into a buffer
    /// that is reused from call to call inside a `beginReusingWideningBuffer()` bracket (so a network's forward
    /// pass does not allocate, and fault in, a fresh buffer for every layer); the tensor must not escape `body`.
    public func withFloats<Result>(_ body: (Tensor) throws -> Result) rethrows -> Result {
        switch self {
        case .float32(let tensor):
            return try body(tensor)
        case .bfloat16(let weight):
            return try body(weight.floats())
        case .float16(let tensor):
            var buffer = WideningScratch.shared.take(count: tensor.count)
            buffer.withUnsafeMutableBufferPointer { floats in
                if let destination = floats.baseAddress { tensor.widen(into: destination) }
            }
            defer { WideningScratch.shared.give(&buffer) }
            return try body(Tensor(shape: tensor.shape, scalars: buffer))
        }
    }
}

extension Tensor {
    /// `linear(weight:bias:)` with a weight kept in float32 or in half precision, computed in float32; or with
    /// a packed bfloat16 weight, computed by the bfloat16 product.
    public func linear(weight: WeightTensor, bias: Tensor? = nil) -> Tensor {
        if case .bfloat16(let packed) = weight { return linear(weight: packed, bias: bias) }
        return weight.withFloats { linear(weight: $0, bias: bias) }
    }

    /// `conv2d(weight:bias:stride:padding:)` with a weight kept in float32 or in half precision; computed in
    /// float32, the weight widened once for the whole call; or with a packed bfloat16 weight, by the bfloat16 product.
    public func conv2d(weight: WeightTensor, bias: Tensor? = nil, stride: Int = 1, padding: Padding2D = 0) -> Tensor {
        if case .bfloat16(let packed) = weight { return conv2d(weight: packed, bias: bias, stride: stride, padding: padding) }
        return weight.withFloats { conv2d(weight: $0, bias: bias, stride: stride, padding: padding) }
    }
}

extension WeightTensor {
    /// Keeps the buffer that half-precision weights are widened into from one layer to the next, until the
    /// matching `endReusingWideningBuffer()`. A network brackets its forward pass with the two, so the buffer
    /// (as large as its largest weight) is reused by every layer and released when the pass ends, not kept
    /// while another network runs. Outside such a bracket each layer allocates its own. Calls nest.
    public static func beginReusingWideningBuffer() {
        WideningScratch.shared.begin()
    }

    /// Ends a `beginReusingWideningBuffer()`; the outermost end releases the buffer.
    public static func endReusingWideningBuffer() {
        WideningScratch.shared.end()
    }
}

/// The float32 buffer half-precision weights are widened into: one, kept between calls inside a
/// `beginReusingWideningBuffer()` bracket and grown to the largest weight used so far. A caller that finds it
/// taken (another thread is using it) gets a buffer of its own.
final class WideningScratch: @unchecked Sendable {
    static let shared = WideningScratch()

    private let lock = NSLock()
    private var spare: [Float]?
    private var depth = 0

    func begin() {
        lock.withLock { depth += 1 }
    }

    func end() {
        lock.withLock {
            depth = max(0, depth - 1)
            if depth == 0 { spare = nil }
        }
    }

    /// A buffer of exactly `count` floats, whose contents are unspecified.
    func take(count: Int) -> [Float] {
        var buffer = lock.withLock { () -> [Float]? in
            defer { spare = nil }
            return spare
        } ?? []
        if buffer.capacity < count {
            buffer = []  // release the old one before allocating the larger one
            return Tensor.uninitializedScalars(count: count)
        }
        if buffer.count > count {
            buffer.removeLast(buffer.count - count)
        } else if buffer.count < count {
            buffer.append(contentsOf: repeatElement(0, count: count - buffer.count))
        }
        return buffer
    }

    /// Keeps `buffer` for the next caller inside a bracket, unless a larger one is already kept.
    func give(_ buffer: inout [Float]) {
        let returned = buffer
        buffer = []
        lock.withLock {
            if depth > 0, (spare?.capacity ?? 0) < returned.capacity { spare = returned }
        }
    }

    /// The floats the kept buffer can hold (0 when none is kept).
    var capacity: Int {
        lock.withLock { spare?.capacity ?? 0 }
    }
}
