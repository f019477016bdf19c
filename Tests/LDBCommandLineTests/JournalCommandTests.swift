import Foundation
import Testing

@Suite("ldb undo, redo, checkout, tag, history")
struct JournalCommandTests {
    private func strength(_ project: String, _ layer: String = "a") throws -> Double? {
        let stack = try #require(try json(ldb("layer", "list", project, "--json")) as? [[String: Any]])
        return stack.first { $0["name"] as? String == layer }?["strength"] as? Double
    }

    private func history(_ project: String) throws -> (head: Int, revisions: [[String: Any]]) {
        let object = try #require(try json(ldb("history", project, "--json")) as? [String: Any])
        return (try #require(object["head"] as? Int), try #require(object["revisions"] as? [[String: Any]]))
    }

    @Test func undoRedoAndBranches() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject()
        try ldbOK("layer", "add", project, "--name", "a", "--prompt", "a", "--box", "0,0,8,8")
        for value in ["0.1", "0.2", "0.3"] { try ldbOK("layer", "set", project, "a", "--strength", value) }
        #expect(try strength(project) == 0.3)

        try ldbOK("undo", project)
        #expect(try strength(project) == 0.2)
        try ldbOK("undo", project, "2")
        #expect(try strength(project) == 0.7)
        try ldbOK("redo", project)
        #expect(try strength(project) == 0.1)

        // An edit after an undo starts a branch; the old branch stays reachable.
        let oldTip = try history(project).revisions.compactMap { $0["id"] as? Int }.max()!
        try ldbOK("layer", "set", project, "a", "--strength", "0.9")
        let branched = try history(project)
        #expect(branched.revisions.count == 6)  // create, add, three sets, the new set
        let head = try #require(branched.revisions.first { $0["id"] as? Int == branched.head })
        #expect(head["description"] as? String == #"set strength of "a" 0.1 -> 0.9"#)

        try ldbOK("tag", project, "tip", String(oldTip))
        try ldbOK("checkout", project, "tip")
        #expect(try strength(project) == 0.3)
        try ldbOK("undo", project, "2")
        // Redo follows the branch last visited: back towards the old tip, not the newer branch.
        try ldbOK("redo", project)
        #expect(try strength(project) == 0.2)

        let tagged = try history(project).revisions.first { $0["id"] as? Int == oldTip }
        #expect(tagged?["tags"] as? [String] == ["tip"])
        let graph = try ldbOK("history", project).stdout
        #expect(graph.contains("[tip]") && graph.contains("HEAD") && graph.contains("┘"))
    }

    @Test func historyJSONHasTheDocumentedShape() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject()
        try ldbOK("layer", "add", project, "--name", "a", "--prompt", "a", "--box", "0,0,8,8")
        let (head, revisions) = try history(project)
        #expect(revisions.count == 2)
        let root = try #require(revisions.first { $0["parent"] is NSNull })
        let child = try #require(revisions.first { $0["id"] as? Int == head })
        #expect(child["parent"] as? Int == root["id"] as? Int)
        #expect(child["description"] as? String == #"add layer "a""#)
        #expect(child["tags"] as? [String] == [])
        let created = try #require(child["created_at"] as? String)
        #expect(ISO8601DateFormatter().date(from: created) != nil)
    }

    @Test func refusals() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject()
        try expectFailure(["undo", project], message: "undo", unchanged: project, scratch: scratch)
        try expectFailure(["redo", project], message: "redo", unchanged: project, scratch: scratch)
        try expectFailure(["checkout", project, "42"], message: "42", unchanged: project, scratch: scratch)
        try expectFailure(["checkout", project, "nope"], message: "nope", unchanged: project, scratch: scratch)
        try ldbOK("tag", project, "start")
        try expectFailure(["tag", project, "start"], message: "start", unchanged: project, scratch: scratch)
        try expectFailure(["tag", project, "17"], message: "17", unchanged: project, scratch: scratch)
    }
}
