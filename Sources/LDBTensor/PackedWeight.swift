import CTensorKernels

/// A linear or convolution weight rounded to bfloat16 and packed once, at load, into the panels the packed
/// matrix product reads (`ldb_pack_weight_bfloat16`): half the memory of float32, and no repacking per call.
///
/// The weight keeps PyTorch's shape (`[out, in]`, `[out, in, kh, kw]`); it is multiplied as the matrix
/// `[out, in · kh · kw]` transposed. Products with it round their other operand to bfloat16 too and accumulate
/// in float32 (see docs/algorithm.md, "bfloat16 compute").
public struct PackedWeight: Equatable, Sendable {
    /// The extent of each dimension, outermost (the output channels) first.
    public private(set) var shape: [Int]
    /// The packed bfloat16 bits, `[panel][depth / 2][LDB_PANEL_WIDTH][2]`.
    let bits: [UInt16]

    /// The output channels: the columns of the product.
    var columns: Int { shape[0] }
    /// The values each output channel combines: the product's reduction.
    var depth: Int { shape.dropFirst().reduce(1, *) }
    var paddedDepth: Int { (depth + 1) & ~1 }

    /// Rounds each value of `tensor` to the nearest bfloat16 (ties to even) and packs it.
    public init(roundingToBFloat16 tensor: Tensor) {
        precondition(tensor.rank >= 2, "PackedWeight: weight \(tensor.shape) must be at least 2-D")
        shape = tensor.shape
        let columns = tensor.shape[0], depth = tensor.count / max(1, columns)
        bits = [UInt16](unsafeUninitializedCapacity: ldb_packed_weight_count(columns, depth, 1)) { buffer, count in
            tensor.scalars.withUnsafeBufferPointer { weight in
                ldb_pack_weight_bfloat16(weight.baseAddress!, columns, depth, buffer.baseAddress!)
            }
            count = buffer.count
        }
    }

    /// The bytes the packed elements occupy in memory.
    public var byteCount: Int { bits.count * MemoryLayout<UInt16>.stride }

    /// The same weight seen with another shape of equal count and the same output channels (a 1×1 convolution
    /// used as a linear layer).
    public func reshaped(_ newShape: [Int]) -> PackedWeight {
        precondition(newShape.first == columns && newShape.reduce(1, *) == shape.reduce(1, *),
                     "PackedWeight: \(shape) cannot be seen as \(newShape)")
        var copy = self
        copy.shape = newShape
        return copy
    }

    /// The value of output channel `column` at reduction `index`, widened to float32.
    func value(column: Int, index: Int) -> Float {
        let panel = column / Int(LDB_PANEL_WIDTH), lane = column % Int(LDB_PANEL_WIDTH)
        let position = (panel * paddedDepth + (index & ~1)) * Int(LDB_PANEL_WIDTH) + lane * 2 + (index & 1)
        return Float(bitPattern: UInt32(bits[position]) << 16)
    }

    /// Rows `indices` of a `[rows, width]` table, as `Tensor.rows(at:)`: `[indices.count, width]`, the
    /// bfloat16 values widened exactly.
    public func rows(at indices: [Int]) -> Tensor {
        precondition(shape.count == 2, "rows(at:): table \(shape) is not [rows, width]")
        return channels(indices)
    }

    /// The weights of output channels `indices`, `[indices.count, depth]`, widened exactly.
    private func channels(_ indices: [Int]) -> Tensor {
        var scalars = [Float]()
        scalars.reserveCapacity(indices.count * depth)
        for index in indices {
            precondition(index >= 0 && index < columns, "rows(at:): index \(index) is outside the \(columns) rows of the table")
            for position in 0..<depth { scalars.append(value(column: index, index: position)) }
        }
        return Tensor(shape: [indices.count, depth], scalars: scalars)
    }

    /// The weight widened to float32, in its own shape (each value exactly its bfloat16).
    public func floats() -> Tensor {
        channels(Array(0..<columns)).reshaped(shape)
    }
}
