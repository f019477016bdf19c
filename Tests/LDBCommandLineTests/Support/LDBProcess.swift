import Foundation

/// What a run of the built `ldb` binary printed and how it exited.
struct LDBResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Standard output's bytes, for binary output (`-o -`).
    var stdoutData = Data()
    /// Whether the process ended by a signal (a trap, an abort, or the kill after a timeout) rather than by exiting.
    var crashed = false

    var succeeded: Bool { status == 0 && !crashed }
}

/// The `ldb` executable next to the test bundle, built by `swift test` because this target depends on it.
let ldbExecutable: URL = {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    // On Linux the tests run from `<build>/debug/ldbPackageTests.xctest`; on macOS from inside the bundle.
    while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("ldb").path),
          folder.pathComponents.count > 1 {
        folder.deleteLastPathComponent()
    }
    return folder.appendingPathComponent("ldb")
}()

/// The cache folder (`XDG_CACHE_HOME`) of every `ldb` the tests run.
let testCacheFolder = FileManager.default.temporaryDirectory
    .appendingPathComponent("ldb-tests-cache-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)

/// Runs `ldb` with `arguments` and waits for it.
@discardableResult
func ldb(_ arguments: String..., in directory: URL? = nil) throws -> LDBResult {
    try ldb(arguments, in: directory)
}

/// Runs `ldb` with `arguments`, and `environment` added to this process's, and waits for it; after `timeout`
/// seconds (when given) the process is killed and the result says `timedOut`.
@discardableResult
func ldb(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
         timeout: TimeInterval? = nil) throws -> LDBResult {
    let process = Process()
    process.executableURL = ldbExecutable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    // Content hashes of model files go to a cache of the test run, not the user's.
    let testEnvironment = ["XDG_CACHE_HOME": testCacheFolder.path].merging(environment) { $1 }
    process.environment = ProcessInfo.processInfo.environment.merging(testEnvironment) { $1 }
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = timeout.map { seconds in
        let stop = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: stop)
        return stop
    }
    // Drain stderr on another thread while reading stdout here, so a chatty child never blocks on a full pipe.
    let errorData = ErrorOutput()
    let drained = DispatchGroup()
    DispatchQueue.global().async(group: drained) {
        errorData.value = errors.fileHandleForReading.readDataToEndOfFile()
    }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    drained.wait()
    process.waitUntilExit()
    deadline?.cancel()
    return LDBResult(status: process.terminationStatus,
                     stdout: String(decoding: outputData, as: UTF8.self),
                     stderr: String(decoding: errorData.value, as: UTF8.self),
                     stdoutData: outputData, crashed: process.terminationReason == .uncaughtSignal)
}

/// Standard error, filled by the draining thread and read after it finished.
private final class ErrorOutput: @unchecked Sendable {
    var value = Data()
}
