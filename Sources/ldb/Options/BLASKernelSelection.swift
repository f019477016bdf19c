import Foundation
import LDBTensor

/// Starts `ldb` again with a faster OpenBLAS kernel when OpenBLAS fell back to a generic one (see `BLASKernel`).
///
/// Runs first thing in `main`, before any work, and only for the commands that run the networks: a restart
/// costs a process start, which commands like `info` or `undo` would otherwise pay twice for nothing. A user's
/// own `OPENBLAS_CORETYPE` always wins, and the restart happens at most once (`LDB_OPENBLAS_KERNEL_CHOSEN`).
enum BLASKernelSelection {
    /// The subcommands whose work is matrix products.
    static let numericCommands: Set<String> = ["render", "model", "demo"]

    static func restartWithPreferredKernelIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        guard let command = CommandLine.arguments.dropFirst().first, numericCommands.contains(command),
              environment["OPENBLAS_CORETYPE"] == nil, environment["LDB_OPENBLAS_KERNEL_CHOSEN"] == nil,
              let kernel = BLASKernel.preferredKernel(current: BLASKernel.current, cpuFlags: BLASKernel.cpuFlags())
        else { return }
        setenv("OPENBLAS_CORETYPE", kernel, 1)
        setenv("LDB_OPENBLAS_KERNEL_CHOSEN", kernel, 1)
        let arguments = CommandLine.arguments
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &argv)
        // Only reached when exec failed: carry on with the kernel OpenBLAS chose.
        unsetenv("OPENBLAS_CORETYPE")
        for pointer in argv { free(pointer) }
    }
}
