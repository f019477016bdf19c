import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import LDBDocument

extension EditorServer {
    func addRenderRoutes(to router: Router<BasicWebSocketRequestContext>) {
        router.get("/api/projects/:project/render.png") { request, context in
            let session = try session(context)
            let head = try queryInteger(request, "head")
            let quality = try renderQuality(request)
            let png = try await session.render(expectedHead: head, quality: quality)
            return rendered(png, quality)
        }
        // A preview of a layer edit not committed: the layer fields applied to HEAD, rendered without a revision.
        router.post("/api/projects/:project/layers/:layer/preview") { request, context in
            let session = try session(context)
            let reference = try pathParameter("layer", context)
            let (base, fields) = try await layerEdit(request)
            let (state, masks) = try await blocking {
                var state = try session.project.state()
                let index = try state.layerIndex(reference)
                fields.apply(to: &state.layers[index])
                var masks: [Data] = []
                if let region = try fields.region(width: state.settings.width, height: state.settings.height) {
                    let bytes = Data(region.bytes)
                    state.layers[index].maskSHA256 = Project.blobSHA256(bytes)
                    masks.append(bytes)
                }
                try state.validate()
                return (state, masks)
            }
            let png = try await session.render(expectedHead: base, state: state, masks: masks, quality: .preview)
            return rendered(png, .preview)
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

    /// The `quality` query parameter: `preview` (the default) or `final`.
    private func renderQuality(_ request: Request) throws -> RenderQuality {
        guard let text = request.uri.queryParameters["quality"] else { return .preview }
        guard let quality = RenderQuality(rawValue: String(text)) else {
            throw APIError.badRequest("query parameter 'quality': expected 'preview' or 'final', found '\(text)'")
        }
        return quality
    }

    /// A rendered PNG, saying in `X-LDB-Render` whether it is a preview or the final render.
    private func rendered(_ png: Data, _ quality: RenderQuality) -> Response {
        var response = bytes(png, contentType: "image/png")
        response.headers[HTTPField.Name("X-LDB-Render")!] = quality.rawValue
        return response
    }
}
