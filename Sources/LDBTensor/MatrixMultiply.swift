/// The matrix product of the last two dimensions, batched over the leading ones, as `torch.matmul`:
/// `a` is `[…, m, k]` and `b` is `[…, k, n]` with the same leading dimensions, or `b` is a single `[k, n]`
/// matrix shared by every batch item. The result is `[…, m, n]`.
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.rank >= 2 && b.rank >= 2, "matmul: operands \(a.shape) and \(b.shape) must be at least 2-D")
    let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1]
    let n = b.shape[b.rank - 1]
    let batchShape = Array(a.shape.dropLast(2))
    let sharedB = b.rank == 2
    precondition(b.shape[b.rank - 2] == k && (sharedB || Array(b.shape.dropLast(2)) == batchShape),
                 "matmul: \(a.shape) cannot be multiplied by \(b.shape)")
    let batch = batchShape.reduce(1, *)
    var result = Tensor.uninitializedScalars(count: batch * m * n)
    a.scalars.withUnsafeBufferPointer { a in
        b.scalars.withUnsafeBufferPointer { b in
            result.withUnsafeMutableBufferPointer { c in
                guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return }
                if sharedB {
                    // One tall product instead of `batch` small ones.
                    sgemm(m: batch * m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n)
                } else {
                    for item in 0..<batch {
                        sgemm(m: m, n: n, k: k, a: a + item * m * k, lda: k,
                              b: b + item * k * n, ldb: n, c: c + item * m * n, ldc: n)
                    }
                }
            }
        }
    }
    return Tensor(shape: batchShape + [m, n], scalars: result)
}
