import Foundation
import LDBDocument
import Testing

/// Undo, redo, checkout and tags through the API, each checked against the document.
@Suite final class HistoryRoutesTests {
    let server: TestServer
    let project: Project
    let path = "/api/projects/demo.ldbproj"

    init() async throws {
        server = try await TestServer()
        project = try Project.open(at: server.folder.appendingPathComponent("demo.ldbproj"))
        try await server.expect(200, "POST", "\(path)/layers", json: ["base": 1, "prompt": "one"])
        try await server.expect(200, "POST", "\(path)/layers", json: ["base": 2, "prompt": "two"])
    }

    deinit {
        server.stop()
    }

    @Test func undoRedoCheckoutAndTags() async throws {
        var answer = try await server.expect(200, "POST", "\(path)/undo", json: ["base": 3])
        #expect((answer["project"] as? [String: Any])?["head"] as? Int == 2)
        #expect(try project.state().layers.count == 1)
        answer = try await server.expect(200, "POST", "\(path)/redo", json: ["base": 2])
        #expect(try project.head().id == 3)

        let tagged = try await server.expect(201, "POST", "\(path)/tags", json: ["name": "two-layers"])
        #expect(tagged["id"] as? Int == 3)
        #expect(tagged["tags"] as? [String] == ["two-layers"])
        try await server.expect(200, "POST", "\(path)/checkout", json: ["base": 3, "revision": 1])
        #expect(try project.state().layers.count == 0)
        try await server.expect(200, "POST", "\(path)/checkout", json: ["base": 1, "revision": "two-layers"])
        #expect(try project.head().id == 3)

        let history = try await server.expect(200, "GET", "\(path)/history")
        #expect(history["head"] as? Int == 3)
        let revisions = try #require(history["revisions"] as? [[String: Any]])
        #expect(revisions.map { $0["description"] as? String } == ["create project", "add layer \"layer 1\"", "add layer \"layer 2\""])
        #expect(revisions[0]["parent"] is NSNull)
        #expect(revisions[2]["tags"] as? [String] == ["two-layers"])
    }

    @Test func refusedMovesChangeNothing() async throws {
        let cases: [(String, [String: Any], Int, String)] = [
            ("undo", ["base": 2], 409, "the edit was made on revision 2 but HEAD is now 3"),
            ("redo", ["base": 3], 409, "nothing to redo"),
            ("checkout", ["base": 3, "revision": "nowhere"], 404, "no revision or tag 'nowhere'"),
            ("checkout", ["base": 3, "revision": 99], 404, "no revision or tag '99'"),
            ("checkout", ["base": 1, "revision": 1], 409, "HEAD is now 3"),
            ("checkout", ["base": 3, "revision": true], 400, "field 'revision'"),
            ("tags", ["name": "has space"], 422, "tag name"),
            ("tags", ["name": "x", "revision": 42], 404, "no revision or tag '42'"),
        ]
        for (action, body, status, message) in cases {
            let response = try await server.request("POST", "\(path)/\(action)", json: body)
            #expect(response.status == status, "\(action) \(body): \(response.text)")
            #expect(response.errorMessage?.contains(message) == true, "\(action) \(body): \(response.text)")
        }
        try await server.expect(201, "POST", "\(path)/tags", json: ["name": "x"])
        #expect(try await server.request("POST", "\(path)/tags", json: ["name": "x"]).status == 409)
        #expect(try project.head().id == 3)
        #expect(try project.state().layers.count == 2)
        try await server.expect(200, "POST", "\(path)/undo", json: ["base": 3])
        try await server.expect(200, "POST", "\(path)/undo", json: ["base": 2])
        #expect(try await server.request("POST", "\(path)/undo", json: ["base": 1]).errorMessage == "nothing to undo (HEAD is the first revision)")
    }
}
