extension Tensor {
    /// Layer normalisation over the last dimension, as `torch.nn.functional.layer_norm(x, (D,), …)`: each
    /// row is normalised to zero mean and unit (biased) variance, then scaled by `weight` and shifted by
    /// `bias` (both `[D]`) when given.
    public func layerNorm(weight: Tensor? = nil, bias: Tensor? = nil, epsilon: Float = 1e-5) -> Tensor {
        precondition(rank >= 1, "layerNorm: a scalar has no last dimension")
        let width = shape[rank - 1]
        precondition(weight.map { $0.shape == [width] } ?? true,
                     "layerNorm: weight \(weight?.shape ?? []) is not [\(width)]")
        precondition(bias.map { $0.shape == [width] } ?? true,
                     "layerNorm: bias \(bias?.shape ?? []) is not [\(width)]")
        guard width > 0 else { return self }
        let rows = count / width
        let gamma = weight?.scalars ?? [Float](repeating: 1, count: width)
        let beta = bias?.scalars ?? [Float](repeating: 0, count: width)
        var result = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { result in
                Parallel.forEachChunk(of: rows, minimumChunk: max(1, Self.elementwiseGrain / width)) { rowRange in
                    for row in rowRange {
                        let start = row * width
                        let (mean, inverseDeviation) = Self.moments(source.baseAddress! + start, count: width, epsilon: epsilon)
                        for column in 0..<width {
                            result[start + column] = (source[start + column] - mean) * inverseDeviation * gamma[column] + beta[column]
                        }
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: result)
    }
}
