import Foundation
import LDBImage
import Testing

/// A render that does not fit the memory the process may use is refused before it computes anything
/// (docs/algorithm.md, "Memory"), instead of trapping when an allocation fails.
@Suite("Memory limits")
struct MemoryLimitTests {
    /// The address-space limit of the test renders: the tiny model renders small pictures within it (about
    /// 390 MB of address space are in use when the render starts, and OpenBLAS reserves 128 MiB for each thread
    /// that calls it). For 2048x2048 its decoder alone holds 268 MB tensors (1.8 of them at its peak,
    /// BENCHMARKS.md, "Memory of a render"), more than the limit leaves.
    static let limitKilobytes = 1_300_000

    /// `ldb arguments…` under `ulimit -v limitKilobytes`.
    private func ldbUnderLimit(_ arguments: [String]) throws -> LDBResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "ulimit -v \(Self.limitKilobytes) && exec \"$0\" \"$@\"", ldbExecutable.path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": testCacheFolder.path]) { $1 }
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return LDBResult(status: process.terminationStatus, stdout: "", stderr: String(decoding: stderr, as: UTF8.self),
                         crashed: process.terminationReason == .uncaughtSignal)
    }

    @Test func aRenderThatDoesNotFitIsRefusedAndOneThatFitsRenders() throws {
        let scratch = try Scratch()
        let large = try scratch.newProject("large.ldbproj", width: 2048, height: 2048, steps: 4)
        try ldbOK("layer", "add", large, "--name", "a", "--prompt", "red", "--box", "0,0,64,64", "--seed", "1",
                  "--regen-steps", "3")
        let before = try scratch.digest(large)
        let refused = try ldbUnderLimit(["render", large, "-o", scratch.path("large.png")])
        #expect(!refused.crashed, "ldb died of a signal: \(refused.stderr)")
        #expect(refused.status == 1, "status \(refused.status): \(refused.stderr)")
        for part in ["2048x2048", "GB", "RLIMIT_AS (ulimit -v)"] {
            #expect(refused.stderr.contains(part), "\(refused.stderr.debugDescription) lacks \(part)")
        }
        #expect(try scratch.digest(large) == before, "the document changed")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("large.png")))

        let small = try scratch.newProject("small.ldbproj", width: 61, height: 47, steps: 4)
        let rendered = try ldbUnderLimit(["render", small, "-o", scratch.path("small.png")])
        #expect(rendered.succeeded, "\(rendered.stderr)")
        let picture = try RGBImage(png: URL(fileURLWithPath: scratch.path("small.png")))
        #expect((picture.width, picture.height) == (61, 47))
    }
}
