import Foundation
import Hummingbird
import HummingbirdWebSocket
import LDBDocument
import LDBEditing

extension EditorServer {
    func addHistoryRoutes(to router: Router<BasicWebSocketRequestContext>) {
        router.get("/api/projects/:project/history") { _, context in
            let session = try session(context)
            let history = try await blocking {
                while true {
                    let head = try session.project.head().id
                    let revisions = try session.project.revisions()
                    if try session.project.head().id == head {
                        return HistoryJSON(head: head, revisions: revisions)
                    }
                }
            }
            return try json(history)
        }
        router.post("/api/projects/:project/undo") { request, context in
            try await move(request, context) { project, base, _ in
                "undo: HEAD is revision \(try project.undo(ifHeadIs: base).id)"
            }
        }
        router.post("/api/projects/:project/redo") { request, context in
            try await move(request, context) { project, base, _ in
                "redo: HEAD is revision \(try project.redo(ifHeadIs: base).id)"
            }
        }
        router.post("/api/projects/:project/checkout") { request, context in
            try await move(request, context, fields: ["revision"]) { project, base, body in
                let target = try body.decode(CheckoutFields.self).revision
                return "checkout: HEAD is revision \(try project.checkout(target, ifHeadIs: base).id)"
            }
        }
        router.post("/api/projects/:project/tags") { request, context in
            let session = try session(context)
            let body = try await JSONBody.read(request, limit: configuration.maximumBodyBytes,
                                               allowed: ["name", "revision"])
            let fields = try body.decode(TagFields.self)
            let revision = try await blocking {
                try session.project.tag(fields.name, at: fields.revision.map(String.init))
            }
            session.didChange(head: try await snapshot(of: session).head)
            return try json(HistoryJSON.RevisionJSON(revision), status: .created)
        }
    }

    /// Moves HEAD through the history with `body`, which is given the project, the HEAD the request was made on
    /// and the request's JSON.
    private func move(
        _ request: Request, _ context: BasicWebSocketRequestContext, fields: Set<String> = [],
        _ body: @escaping @Sendable (Project, Int64, JSONBody) throws -> String
    ) async throws -> Response {
        let session = try session(context)
        let json = try await JSONBody.read(request, limit: configuration.maximumBodyBytes,
                                           allowed: fields.union(["base"]))
        let base = try json.decode(BaseField.self).base
        let description = try await blocking { try body(session.project, base, json) }
        return try await answerChange(on: session, description: description)
    }
}
