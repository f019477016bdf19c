import Foundation
import GRDB
import Testing

/// Files that are not (or no longer) projects this build can open are refused and left untouched.
@Suite("ldb on bad project files")
struct DocumentFileTests {
    /// Runs a reading and a writing command on `project`; both must fail naming the problem.
    private func expectRefused(_ project: String, message: String, scratch: Scratch) throws {
        try expectFailure(["info", project], message: message, unchanged: project, scratch: scratch)
        try expectFailure(["layer", "add", project, "--prompt", "p", "--box", "0,0,8,8"],
                          message: message, unchanged: project, scratch: scratch)
        try expectFailure(["undo", project], message: message, unchanged: project, scratch: scratch)
    }

    @Test func missingFile() throws {
        let scratch = try Scratch()
        let project = scratch.path("absent.ldbproj")
        try expectFailure(["info", project], message: "absent.ldbproj", unchanged: nil, scratch: scratch)
        #expect(!FileManager.default.fileExists(atPath: project), "opening created a file")
    }

    @Test func notASQLiteFile() throws {
        let scratch = try Scratch()
        let project = scratch.path("text.ldbproj")
        try Data(String(repeating: "not a database\n", count: 200).utf8).write(to: URL(fileURLWithPath: project))
        try expectRefused(project, message: "not", scratch: scratch)
    }

    @Test func anotherApplicationsDatabase() throws {
        let scratch = try Scratch()
        let project = scratch.path("other.ldbproj")
        let queue = try DatabaseQueue(path: project)
        try queue.write { try $0.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)") }
        try queue.close()
        try expectRefused(project, message: "not an ldb project", scratch: scratch)
    }

    @Test func newerFormat() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject()
        let queue = try DatabaseQueue(path: project)
        try queue.write { try $0.execute(sql: "PRAGMA user_version = 9999") }
        try queue.close()
        try expectRefused(project, message: "newer", scratch: scratch)
    }

    @Test func truncatedAndCorruptProjects() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject()
        for index in 0..<12 {
            try ldbOK("layer", "add", project, "--name", "l\(index)", "--prompt", String(repeating: "p", count: 400),
                      "--box", "0,0,\(8 + index),8")
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: project))

        let truncated = scratch.path("truncated.ldbproj")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        try expectRefused(truncated, message: "truncated.ldbproj", scratch: scratch)

        // Garbage over every page but the header page: whatever `info` reads next is corrupt.
        var garbage = bytes
        var generator = SystemRandomNumberGenerator()
        for index in 4096..<garbage.count { garbage[index] = UInt8.random(in: 0...255, using: &generator) }
        let corrupt = scratch.path("corrupt.ldbproj")
        try garbage.write(to: URL(fileURLWithPath: corrupt))
        try expectRefused(corrupt, message: "corrupt.ldbproj", scratch: scratch)
    }
}
