import CTensorKernels

extension Tensor {
    /// Softmax over the last dimension, numerically stable (the row maximum is subtracted before `exp`),
    /// as `torch.softmax(x, dim=-1)`.
    public func softmax() -> Tensor {
        precondition(rank >= 1, "softmax: a scalar has no last dimension")
        let width = shape[rank - 1]
        var result = scalars
        guard width > 0 else { return self }
        let rows = count / width
        result.withUnsafeMutableBufferPointer { values in
            Parallel.forEachChunk(of: rows, minimumChunk: max(1, Self.elementwiseGrain / width)) { rowRange in
                for row in rowRange {
                    Self.softmaxInPlace(values.baseAddress! + row * width, count: width)
                }
            }
        }
        return Tensor(shape: shape, scalars: result)
    }

    /// Replaces `count` contiguous values with their softmax. A row whose values are all `-inf` (every key
    /// masked) becomes zeros rather than NaN.
    static func softmaxInPlace(_ row: UnsafeMutablePointer<Float>, count: Int) {
        ldb_softmax_row(row, count)
    }
}
