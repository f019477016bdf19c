import Foundation

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
        typealias Lanes = VectorExponential
        var maxima = Lanes.Vector(repeating: -.infinity)
        for start in stride(from: 0, to: count, by: Lanes.width) {
            let lanes = min(Lanes.width, count - start)
            maxima = Lanes.maximum(maxima, Lanes.load(row + start, count: lanes, padding: -.infinity))
        }
        let maximum = maxima.max()
        guard maximum > -Float.infinity else {
            row.update(repeating: 0, count: count)
            return
        }
        var sums = Lanes.Vector.zero
        for start in stride(from: 0, to: count, by: Lanes.width) {
            let lanes = min(Lanes.width, count - start)
            // Padding lanes hold -inf, whose exponential is 0, so they add nothing to the sum.
            let values = Lanes.exp(Lanes.load(row + start, count: lanes, padding: -.infinity) - maximum)
            Lanes.store(values, to: row + start, count: lanes)
            sums += values
        }
        let reciprocal = 1 / sums.sum()
        for index in 0..<count { row[index] *= reciprocal }
    }
}
