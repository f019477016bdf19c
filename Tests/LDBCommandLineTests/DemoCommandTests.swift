import Foundation
import Testing

@Suite("ldb demo")
struct DemoCommandTests {
    @Test func theScriptedSessionRunsAndLeavesAProject() throws {
        let scratch = try Scratch()
        let folder = scratch.path("demo")
        let result = try ldb("demo", folder, "--model", scratch.model.path)
        try #require(result.succeeded, "demo failed: \(result.stderr)")
        #expect(result.stdout.contains("$ ldb undo"))
        #expect(result.stdout.contains("HEAD"))
        let project = folder + "/demo.ldbproj"
        let history = try #require(try json(ldb("history", project, "--json")) as? [String: Any])
        let revisions = try #require(history["revisions"] as? [[String: Any]])
        // Two branches: some revision has two children.
        let parents = revisions.compactMap { $0["parent"] as? Int }
        #expect(Set(parents).count < parents.count, "the demo made no branch")
        // Running it again starts afresh.
        try #require(try ldb("demo", folder, "--model", scratch.model.path).succeeded)
    }
}
