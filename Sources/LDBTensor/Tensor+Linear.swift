extension Tensor {
    /// A fully connected layer, `x @ weight^T + bias`, as `torch.nn.functional.linear`: `self` is
    /// `[…, in]`, `weight` is `[out, in]` (PyTorch's layout) and `bias`, when given, is `[out]`. The result
    /// is `[…, out]`.
    public func linear(weight: Tensor, bias: Tensor? = nil) -> Tensor {
        precondition(rank >= 1 && weight.rank == 2 && weight.shape[1] == shape[rank - 1],
                     "linear: input \(shape) does not fit weight \(weight.shape) ([out, in])")
        let inFeatures = weight.shape[1], outFeatures = weight.shape[0]
        precondition(bias.map { $0.shape == [outFeatures] } ?? true,
                     "linear: bias \(bias?.shape ?? []) is not [\(outFeatures)]")
        let rows = shape.dropLast().reduce(1, *)
        var resultShape = shape
        resultShape[rank - 1] = outFeatures
        var result = Self.uninitializedScalars(count: rows * outFeatures)
        if let bias {
            for row in 0..<rows { result.replaceSubrange(row * outFeatures ..< (row + 1) * outFeatures, with: bias.scalars) }
        }
        scalars.withUnsafeBufferPointer { input in
            weight.scalars.withUnsafeBufferPointer { weight in
                result.withUnsafeMutableBufferPointer { output in
                    guard let input = input.baseAddress, let weight = weight.baseAddress,
                          let output = output.baseAddress else { return }
                    sgemm(transposeB: true, m: rows, n: outFeatures, k: inFeatures,
                          a: input, lda: inFeatures, b: weight, ldb: inFeatures,
                          beta: bias == nil ? 0 : 1, c: output, ldc: outFeatures)
                }
            }
        }
        return Tensor(shape: resultShape, scalars: result)
    }
}
