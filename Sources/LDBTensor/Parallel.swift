import Dispatch
import Foundation

/// Splits element-wise, normalisation and im2col work across the machine's cores.
enum Parallel {
    /// The number of worker threads used for non-BLAS work.
    static let workerCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body` on consecutive sub-ranges of `0..<count` that together cover it exactly once, in parallel
    /// when there is enough work (at most one chunk per core, and none shorter than `minimumChunk`).
    ///
    /// The sub-ranges are disjoint, so `body` may write through raw pointers to the elements of its own range
    /// without synchronisation, provided it touches nothing outside it. That contract is what makes the
    /// unchecked capture below sound.
    static func forEachChunk(of count: Int, minimumChunk: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunkCount = min(workerCount, max(1, count / max(1, minimumChunk)))
        guard chunkCount > 1 else {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                body(count * chunk / chunkCount ..< count * (chunk + 1) / chunkCount)
            }
        }
    }
}
