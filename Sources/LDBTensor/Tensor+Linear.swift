extension Tensor {
    /// A fully connected layer, `x @ weight^T + bias`, as `torch.nn.functional.linear`: `self` is
    /// `[…, in]`, `weight` is `[out, in]` (PyTorch's layout) and `bias`, when given, is `[out]`. The result
    /// is `[…, out]`.
    public func linear(weight: Tensor, bias: Tensor? = nil) -> Tensor {
        precondition(rank >= 1 && weight.rank == 2 && weight.shape[1] == shape[rank - 1],
                     "linear: input \(shape) does not fit weight \(weight.shape) ([out, in])")
        let inFeatures = weight.shape[1], outFeatures = weight.shape[0]
        return linearResult(outFeatures: outFeatures, bias: bias) { input, output, rows, accumulate in
            weight.scalars.withUnsafeBufferPointer { weight in
                guard let weight = weight.baseAddress else { return }
                sgemm(transposeB: true, m: rows, n: outFeatures, k: inFeatures,
                      a: input, lda: inFeatures, b: weight, ldb: inFeatures,
                      beta: accumulate ? 1 : 0, c: output, ldc: outFeatures)
            }
        }
    }

    /// The `[…, out]` result of a linear layer on `self`: its rows start as `bias` (when given), and `product`
    /// writes, or with `accumulate` adds, the `[rows, out]` product of the `[rows, in]` input into them.
    func linearResult(
        outFeatures: Int, bias: Tensor?,
        product: (_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ rows: Int,
                  _ accumulate: Bool) -> Void
    ) -> Tensor {
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
            result.withUnsafeMutableBufferPointer { output in
                guard let input = input.baseAddress, let output = output.baseAddress else { return }
                product(input, output, rows, bias != nil)
            }
        }
        return Tensor(shape: resultShape, scalars: result)
    }
}
