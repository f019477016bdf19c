import COpenBLAS

/// Row-major single-precision matrix product through OpenBLAS:
/// `c[m×n] = alpha · op(a)[m×k] · op(b)[k×n] + beta · c`, where `op` transposes when asked.
///
/// Leading dimensions are the row strides of the matrices as stored, so sub-matrices of a larger buffer
/// (one attention head's columns, one band of an output image) can be used in place.
///
/// OpenBLAS runs single-threaded: ldb splits a large product itself, into one block of rows or columns of `c`
/// per worker (`Parallel`), so the same threads do the matrix products and the element-wise work between them.
/// (With OpenBLAS's own threads, its idle workers spin on `sched_yield` through every element-wise step and
/// take a core from it; that was 11 % of an SD 1.5 UNet evaluation on 2 cores.)
/// - Parameter splitAcrossCores: `false` inside work that is already spread over the workers.
func sgemm(
    transposeA: Bool = false, transposeB: Bool = false,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    splitAcrossCores: Bool = true
) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        // BLAS leaves C untouched when k == 0 only if beta == 1; make the empty sum explicit.
        for row in 0..<m {
            for column in 0..<n { c[row * ldc + column] = beta == 0 ? 0 : beta * c[row * ldc + column] }
        }
        return
    }
    BLASThreads.useCallersThreadOnly()
    let parts = splitAcrossCores ? BLASThreads.parts(m: m, n: n, k: k) : 1
    guard parts > 1 else {
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
        return
    }
    // Split the longer side of c, so the operand that is split (and packed by each worker) is the larger one.
    let splitRows = m >= n
    let length = splitRows ? m : n
    Parallel.forEachTask(count: parts) { _, part in
        let range = BLASThreads.block(part, of: parts, length: length)
        guard !range.isEmpty else { return }
        if splitRows {
            sgemm(transposeA: transposeA, transposeB: transposeB, m: range.count, n: n, k: k, alpha: alpha,
                  a: transposeA ? a + range.lowerBound : a + range.lowerBound * lda, lda: lda,
                  b: b, ldb: ldb, beta: beta, c: c + range.lowerBound * ldc, ldc: ldc, splitAcrossCores: false)
        } else {
            sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: range.count, k: k, alpha: alpha,
                  a: a, lda: lda, b: transposeB ? b + range.lowerBound * ldb : b + range.lowerBound, ldb: ldb,
                  beta: beta, c: c + range.lowerBound, ldc: ldc, splitAcrossCores: false)
        }
    }
}

/// How matrix products share the machine's cores.
enum BLASThreads {
    /// Products smaller than this many multiply-adds run on the calling thread alone: below it the hand-off
    /// costs more than the second core saves.
    static let splitThreshold = 1 << 21

    /// Blocks are multiples of this many rows or columns, the widest register tile of OpenBLAS's kernels.
    static let blockAlignment = 16

    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// Makes OpenBLAS compute on the calling thread only (once per process).
    static func useCallersThreadOnly() {
        _ = singleThreaded
    }

    /// The number of blocks a product of these sizes is split into.
    static func parts(m: Int, n: Int, k: Int) -> Int {
        guard Parallel.workerCount > 1, m * n * k >= splitThreshold else { return 1 }
        let aligned = (max(m, n) + blockAlignment - 1) / blockAlignment
        return min(Parallel.workerCount, aligned)
    }

    /// Block `part` of `parts` near-equal blocks of `0..<length`, with boundaries on multiples of `blockAlignment`.
    static func block(_ part: Int, of parts: Int, length: Int) -> Range<Int> {
        let tiles = (length + blockAlignment - 1) / blockAlignment
        let start = min(length, tiles * part / parts * blockAlignment)
        let end = min(length, tiles * (part + 1) / parts * blockAlignment)
        return start..<end
    }
}
