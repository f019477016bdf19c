import Foundation
import Testing

/// Two processes editing one project at once lose no edit: the second waits for the first.
@Suite("Concurrent edits")
struct ConcurrentEditTests {
    @Test func twoWritersLoseNothing() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject()
        try ldbOK("layer", "add", project, "--name", "shared", "--prompt", "p", "--box", "0,0,8,8")
        let perWriter = 15
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            for index in 0..<perWriter {
                // Each writer adds its own layers and also edits the same layer as the other writer.
                let add = try? ldb("layer", "add", project, "--name", "w\(writer)-\(index)", "--prompt", "p",
                                   "--box", "0,0,8,8")
                let set = try? ldb("layer", "set", project, "shared", writer == 0 ? "--strength" : "--guidance",
                                   String(index + 1))
                results.append([add, set])
            }
        }
        let failures = results.all.filter { $0?.succeeded != true }
        #expect(failures.isEmpty, "failed edits: \(failures.map { $0?.stderr ?? "did not run" })")

        let info = try #require(try json(ldb("info", project, "--json")) as? [String: Any])
        let layers = try #require(info["layers"] as? [[String: Any]])
        #expect(layers.count == 1 + 2 * perWriter)
        let shared = try #require(layers.first { $0["name"] as? String == "shared" })
        // Neither writer's last change to the shared layer was overwritten by the other's.
        #expect(shared["strength"] as? Double == Double(perWriter))
        #expect(shared["guidance"] as? Double == Double(perWriter))
        let history = try #require(try json(ldb("history", project, "--json")) as? [String: Any])
        #expect((history["revisions"] as? [Any])?.count == 2 + 4 * perWriter)
    }
}

private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [LDBResult?] = []

    func append(_ more: [LDBResult?]) { lock.withLock { results += more } }
    var all: [LDBResult?] { lock.withLock { results } }
}
