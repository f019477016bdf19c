import Dispatch
import Foundation

/// Splits matrix products, element-wise, normalisation and im2col work across the machine's cores.
enum Parallel {
    /// The number of worker threads: `LDB_NUM_THREADS` when it is set to a positive number, else every
    /// active core.
    static let workerCount: Int = {
        if let value = ProcessInfo.processInfo.environment["LDB_NUM_THREADS"], let threads = Int(value), threads > 0 {
            return threads
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

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

    /// Calls `body(worker, task)` once for each task in `0..<taskCount`, worker `w` taking tasks `w`,
    /// `w + workers`, … in order, so each worker can use its own scratch memory (indexed by `worker`, below
    /// `workerCount`). Tasks must write only to memory no other task touches.
    static func forEachTask(count taskCount: Int, _ body: (_ worker: Int, _ task: Int) -> Void) {
        guard taskCount > 0 else { return }
        let workers = min(workerCount, taskCount)
        guard workers > 1 else {
            for task in 0..<taskCount { body(0, task) }
            return
        }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for task in stride(from: worker, to: taskCount, by: workers) { body(worker, task) }
            }
        }
    }
}
