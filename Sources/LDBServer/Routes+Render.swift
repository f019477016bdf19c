import Foundation
import Hummingbird
import HummingbirdWebSocket

extension EditorServer {
    func addRenderRoutes(to router: Router<BasicWebSocketRequestContext>) {
        router.get("/api/projects/:project/render.png") { request, context in
            let session = try session(context)
            let head = try queryInteger(request, "head")
            let png = try await session.render(expectedHead: head)
            return bytes(png, contentType: "image/png")
        }
        router.get("/api/projects/:project/original.png") { _, context in
            bytes(try await session(context).original(), contentType: "image/png")
        }
    }

    func addEventRoute(to router: Router<BasicWebSocketRequestContext>) {
        router.ws("/api/projects/:project/events") { _, context in
            _ = try session(context)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let session = try session(context.requestContext)
            let (id, events) = session.subscribe()
            defer { session.unsubscribe(id) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in events {
                        try await outbound.write(.text(event))
                    }
                }
                group.addTask {
                    for try await _ in inbound {}
                }
                // Either side ending (the page leaves, the session closes) ends the connection.
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }
}
