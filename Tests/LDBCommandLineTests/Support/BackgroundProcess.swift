import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A process the test starts and stops itself (`ldb serve`, `chromedriver`), with its output collected.
final class BackgroundProcess {
    private let process = Process()
    private let output = Pipe()
    private let collected = Collected()

    init(_ executable: URL, _ arguments: [String]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let collected = self.collected
        output.fileHandleForReading.readabilityHandler = { handle in
            collected.append(handle.availableData)
        }
        try Self.withSignalsUnblocked { try process.run() }
    }

    /// Runs `body` with no signal blocked on this thread. A child starts with its parent thread's signal mask,
    /// and the threads tests run on (Dispatch's) block nearly every signal: a server started from one would
    /// ignore SIGTERM, and Chromium started by chromedriver would never see its children exit.
    private static func withSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
        var none = sigset_t(), previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    /// Everything the process wrote so far.
    var text: String { collected.text }

    /// Waits until the output contains a line starting with `prefix` and returns the rest of that line.
    func line(startingWith prefix: String, timeout: TimeInterval = 60) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                return String(line.dropFirst(prefix.count))
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw WebDriver.Failure(description: "no line starting with '\(prefix)'; output: \(text)")
    }

    /// Asks the process to end (SIGTERM) and kills it when it has not after `grace` seconds.
    func stop(grace: TimeInterval = 5) {
        output.fileHandleForReading.readabilityHandler = nil
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

private final class Collected: @unchecked Sendable {
    private var data = Data()
    private let lock = NSLock()
    func append(_ chunk: Data) { lock.withLock { data += chunk } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

/// A TCP port nothing listens on right now.
func freePort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
        }
    }
    guard bound else { throw WebDriver.Failure(description: "no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}
