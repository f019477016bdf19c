import Crypto
import Foundation
import Testing

/// A temporary folder with a stand-in model, removed when the test ends.
final class Scratch {
    let folder: URL
    let model: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("ldb-tests-\(UUID().uuidString)", isDirectory: true)
        model = folder.appendingPathComponent("model", isDirectory: true)
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        // `ldb new` records a model without loading it; a folder with a config is enough to fingerprint.
        try Data(#"{"_class_name": "StableDiffusionPipeline"}"#.utf8)
            .write(to: model.appendingPathComponent("model_index.json"))
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
