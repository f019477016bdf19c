import Crypto
import Foundation
import Testing

/// A temporary folder, removed when the test ends, and the bundled tiny model.
final class Scratch {
    let folder: URL
    /// The tiny model (`ldb new` reads its configs to refuse what it could not render).
    let model = URL(fileURLWithPath: ProbeCommandTests.model("tiny-sd1"))

    init() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("ldb-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// A copy of the tiny model in the scratch folder, to change or remove.
    func copyOfModel(_ name: String = "model") throws -> URL {
        let copy = folder.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.copyItem(at: model, to: copy)
        return copy
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }

    /// Creates a generated project of `width` x `height` and returns its path.
    func newProject(_ name: String = "p.ldbproj", width: Int = 64, height: Int = 48, steps: Int = 20,
                    extra: [String] = []) throws -> String {
        let project = path(name)
        let result = try ldb(["new", project, "--model", model.path, "--prompt", "a house", "--seed", "5",
                              "--size", "\(width)x\(height)", "--steps", String(steps)] + extra)
        try #require(result.succeeded, "ldb new failed: \(result.stderr)")
        return project
    }

    /// SHA-256 of a file's bytes, to check that a failed command left it untouched.
    func digest(_ path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// Decodes a command's `--json` output.
func json(_ result: LDBResult) throws -> Any {
    try #require(result.succeeded, "command failed: \(result.stderr)")
    return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
}

/// Runs a command that must succeed, returning its output.
@discardableResult
func ldbOK(_ arguments: String...) throws -> LDBResult {
    let result = try ldb(arguments)
    try #require(result.succeeded, "ldb \(arguments.joined(separator: " ")) failed: \(result.stderr)")
    return result
}

/// Runs a command that must fail with a message containing `message`, leaving `project` byte for byte as it was.
func expectFailure(_ arguments: [String], message: String, unchanged project: String?, scratch: Scratch,
                   sourceLocation: SourceLocation = #_sourceLocation) throws {
    let before = try project.map { try scratch.digest($0) }
    let result = try ldb(arguments)
    #expect(result.status != 0, "expected failure: ldb \(arguments.joined(separator: " "))",
            sourceLocation: sourceLocation)
    #expect(result.stderr.localizedCaseInsensitiveContains(message),
            "stderr \(result.stderr.debugDescription) lacks \(message.debugDescription)",
            sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty || result.status != 0, sourceLocation: sourceLocation)
    if let project, let before {
        #expect(try scratch.digest(project) == before, "the document changed", sourceLocation: sourceLocation)
    }
}
