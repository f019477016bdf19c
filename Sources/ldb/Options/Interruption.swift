import Dispatch
import Foundation

/// Turns Ctrl-C (SIGINT) into a flag that long work polls between steps, so it can stop cleanly: whatever
/// it already committed stays, and the transaction in flight (if any) is rolled back by SQLite.
final class Interruption: @unchecked Sendable {
    private let lock = NSLock()
    private var interrupted = false
    private var source: DispatchSourceSignal?

    /// Starts catching SIGINT; a second Ctrl-C while stopping ends the process at once.
    func start() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in
            guard let self else { return }
            let already = self.lock.withLock { () -> Bool in
                defer { self.interrupted = true }
                return self.interrupted
            }
            if already { exit(130) }
            FileHandle.standardError.write(Data("\nstopping after the current step (Ctrl-C again to quit now)\n".utf8))
        }
        source.resume()
        self.source = source
    }

    var isInterrupted: Bool { lock.withLock { interrupted } }
}
