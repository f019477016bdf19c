import Foundation
import Hummingbird
import HummingbirdWebSocket
import LDBDocument
import LDBEditing
import LDBImage

extension EditorServer {
    func addLayerRoutes(to router: Router<BasicWebSocketRequestContext>) {
        router.post("/api/projects/:project/layers") { request, context in
            let session = try session(context)
            let body = try await JSONBody.read(request, limit: configuration.maximumBodyBytes,
                                               allowed: LayerFields.names.union(["base"]))
            let base = try body.decode(BaseField.self).base
            let fields = try body.decode(LayerFields.self)
            return try await commit(on: session, base: base) { state, context in
                let settings = state.settings
                let region = try fields.region(width: settings.width, height: settings.height)
                    ?? Mask(width: settings.width, height: settings.height,
                            bytes: [UInt8](repeating: 0, count: settings.width * settings.height))
                var layer = LayerDefaults.newLayer(in: state, maskSHA256: try context.putBlob(Data(region.bytes)))
                fields.apply(to: &layer)
                state.layers.append(layer)
                return "add layer \(quoted(layer.name))"
            }
        }
        router.patch("/api/projects/:project/layers/:layer") { request, context in
            let session = try session(context)
            let reference = try pathParameter("layer", context)
            let (base, fields) = try await layerEdit(request)
            return try await commit(on: session, base: base) { state, context in
                let index = try state.layerIndex(reference)
                let before = state.layers[index]
                fields.apply(to: &state.layers[index])
                let settings = state.settings
                if let region = try fields.region(width: settings.width, height: settings.height) {
                    state.layers[index].maskSHA256 = try context.putBlob(Data(region.bytes))
                }
                return LayerDefaults.describe(from: before, to: state.layers[index])
            }
        }
        router.delete("/api/projects/:project/layers/:layer") { request, context in
            let session = try session(context)
            let reference = try pathParameter("layer", context)
            let base = try queryInteger(request, "base")
            return try await commit(on: session, base: base) { state, _ in try state.removeLayer(reference) }
        }
        router.post("/api/projects/:project/layers/:layer/duplicate") { request, context in
            let session = try session(context)
            let reference = try pathParameter("layer", context)
            let body = try await JSONBody.read(request, limit: configuration.maximumBodyBytes, allowed: ["base"])
            let base = try body.decode(BaseField.self).base
            return try await commit(on: session, base: base) { state, _ in
                let index = try state.layerIndex(reference)
                var copy = state.layers[index]
                copy.id = 0
                copy.name = LayerDefaults.copyName(of: copy.name, in: state.layers)
                state.layers.insert(copy, at: index + 1)
                return "duplicate layer \(quoted(state.layers[index].name)) as \(quoted(copy.name))"
            }
        }
        router.post("/api/projects/:project/layers/:layer/move") { request, context in
            let session = try session(context)
            let reference = try pathParameter("layer", context)
            let body = try await JSONBody.read(request, limit: configuration.maximumBodyBytes, allowed: ["base", "to"])
            let base = try body.decode(BaseField.self).base
            let to = try body.decode(MoveFields.self).to
            return try await commit(on: session, base: base) { state, _ in try state.moveLayer(reference, to: to) }
        }
        router.get("/api/projects/:project/layers/:layer/mask.png") { _, context in
            let session = try session(context)
            let reference = try pathParameter("layer", context)
            let png = try await blocking {
                let layer = try session.project.layer(reference)
                let settings = try session.project.state().settings
                let bytes = try session.project.blob(layer.maskSHA256)
                return try Mask(width: settings.width, height: settings.height, bytes: [UInt8](bytes)).pngData()
            }
            return bytes(png, contentType: "image/png")
        }
    }

    /// The body of a layer edit or preview: the HEAD it was made on and the layer fields it gives.
    func layerEdit(_ request: Request) async throws -> (base: Int64, fields: LayerFields) {
        let body = try await JSONBody.read(request, limit: configuration.maximumBodyBytes,
                                           allowed: LayerFields.names.union(["base"]))
        return (try body.decode(BaseField.self).base, try body.decode(LayerFields.self))
    }
}

/// The server's uses of the editing rules the CLI shares (LDBEditing): new layers, copies' names, and how a
/// layer change reads in the history.
enum LayerDefaults {
    /// A new layer at every default; its seed stays below 2^53 so that the page's numbers hold it exactly.
    static func newLayer(in state: ProjectState, maskSHA256: String) -> Layer {
        Layer.new(in: state, maskSHA256: maskSHA256, seed: UInt64.random(in: 0 ... (1 << 53)))
    }

    /// `NAME copy`, or `NAME copy K` when that is taken.
    static func copyName(of name: String, in layers: [Layer]) -> String {
        let names = Set(layers.map(\.name))
        var candidate = "\(name) copy"
        var number = 2
        while names.contains(candidate) {
            candidate = "\(name) copy \(number)"
            number += 1
        }
        return candidate
    }

    /// "hide layer …", "show layer …", "paint mask of …", or the CLI's `LayerChanges` description.
    static func describe(from old: Layer, to new: Layer) -> String {
        if old.visible != new.visible, old.with(visible: new.visible) == new {
            return "\(new.visible ? "show" : "hide") layer \(quoted(old.name))"
        }
        var unmasked = new
        unmasked.maskSHA256 = old.maskSHA256
        if old.maskSHA256 != new.maskSHA256, unmasked == old {
            return "paint mask of \(quoted(old.name))"
        }
        return LayerChanges(from: old, to: new).description
    }
}

private extension Layer {
    func with(visible: Bool) -> Layer {
        var copy = self
        copy.visible = visible
        return copy
    }
}
