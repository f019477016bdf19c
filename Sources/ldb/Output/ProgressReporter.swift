import Foundation

/// Shows the progress of long work on standard error: a bar redrawn in place when standard error is a
/// terminal, one plain line per step otherwise (so logs stay readable).
final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let start = DispatchTime.now().uptimeNanoseconds

    init(_ label: String) {
        self.label = label
    }

    /// Reports that `step` of `total` steps are done.
    func update(step: Int, of total: Int) {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let line: String
        if isTerminal {
            let width = 30
            let filled = total > 0 ? width * step / total : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            line = "\r\(label) \(bar) \(step)/\(total)  \(String(format: "%.1f", elapsed)) s"
                + (step == total ? "\n" : "")
        } else {
            line = "\(label): step \(step)/\(total) (\(String(format: "%.1f", elapsed)) s)\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }
}
