import Foundation
import GRDB
import Testing

/// SIGKILL at random moments during a run of edits never leaves a broken or half-written document.
@Suite("Crash safety")
struct CrashSafetyTests {
    private struct Snapshot: Equatable {
        var names: [String]
        var strength: Double?
        var head: Int
        var newestRevision: Int
    }

    private func snapshot(_ project: String) throws -> Snapshot {
        let info = try #require(try json(ldb("info", project, "--json")) as? [String: Any])
        let layers = try #require(info["layers"] as? [[String: Any]])
        let history = try #require(try json(ldb("history", project, "--json")) as? [String: Any])
        let revisions = try #require(history["revisions"] as? [[String: Any]])
        return Snapshot(names: layers.compactMap { $0["name"] as? String },
                        strength: layers.first?["strength"] as? Double,
                        head: try #require(info["head"] as? Int),
                        newestRevision: revisions.compactMap { $0["id"] as? Int }.max() ?? -1)
    }

    @Test func killedEditsLeaveTheLastCommittedRevision() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject()
        try ldbOK("layer", "add", project, "--name", "base", "--prompt", "p", "--box", "0,0,8,8")
        var expected = try snapshot(project)
        var killed = 0
        var generator = SystemRandomNumberGenerator()

        for round in 0..<40 {
            let value = Double(round + 1) / 100
            let arguments = round.isMultiple(of: 2)
                ? ["layer", "set", project, "base", "--strength", String(value)]
                : ["layer", "add", project, "--name", "n\(round)", "--prompt", "q", "--box", "0,0,\(8 + round),8"]
            let process = Process()
            process.executableURL = ldbExecutable
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 0...60_000, using: &generator))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()

            var withEdit = expected
            if round.isMultiple(of: 2) { withEdit.strength = value } else { withEdit.names.append("n\(round)") }
            let queue = try DatabaseQueue(path: project)
            let integrity = try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
            try queue.close()
            #expect(integrity == ["ok"], "round \(round): \(integrity)")

            let now = try snapshot(project)
            #expect(now.head == now.newestRevision, "round \(round): HEAD is not the last committed revision")
            if process.terminationReason == .uncaughtSignal {
                killed += 1
                let committed = now.names == withEdit.names && now.strength == withEdit.strength
                let untouched = now.names == expected.names && now.strength == expected.strength
                #expect(committed || untouched, "round \(round): half-written state \(now)")
                #expect(now.head == (committed ? expected.head + 1 : expected.head))
            } else {
                #expect(process.terminationStatus == 0, "round \(round) failed")
                #expect(now.names == withEdit.names && now.strength == withEdit.strength)
                #expect(now.head == expected.head + 1)
            }
            expected = now
        }
        #expect(killed >= 5, "only \(killed) of 40 edits were killed mid-way; the test proves little")
    }
}
