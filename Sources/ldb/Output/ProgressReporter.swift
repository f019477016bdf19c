import Foundation

/// Shows the progress of long work on standard error: a bar redrawn in place when standard error is a
/// terminal, one plain line per step otherwise (so logs stay readable).
final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let start = DispatchTime.now().uptimeNanoseconds
    private let lock = NSLock()

    init(_ label: String) {
        self.label = label
    }

    /// Reports that `step` of `total` steps of the work are done.
    func update(step: Int, of total: Int) {
        update(stage: nil, step: step, of: total)
    }

    /// Reports that `step` of `total` steps of `stage` are done.
    func update(stage: String?, step: Int, of total: Int) {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let name = stage.map { "\(label) \($0)" } ?? label
        let line: String
        if isTerminal {
            let width = 30
            let filled = total > 0 ? min(width, width * step / total) : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            line = "\r\u{1B}[2K\(name) \(bar) \(step)/\(total)  \(String(format: "%.1f", elapsed)) s"
                + (step >= total ? "\n" : "")
        } else {
            line = "\(name): step \(step)/\(total) (\(String(format: "%.1f", elapsed)) s)\n"
        }
        lock.withLock { FileHandle.standardError.write(Data(line.utf8)) }
    }
}
