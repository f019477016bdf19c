import Foundation
import LDBDiffusion
import LDBDocument
import LDBEngine
import LDBImage
import LDBServer
import Testing

/// Live previews: a layer edit not committed renders without a revision; previews follow the project's (or the
/// server's) region mode, and the final render is always full mode.
@Suite final class PreviewTests {
    let path = "/api/projects/demo.ldbproj"

    /// A server on a project with one boxed layer (HEAD 2), with `preview` settings.
    func server(preview: PreviewSettings = PreviewSettings(), region: RegionMode = .full) async throws -> TestServer {
        let server = try await TestServer(preview: preview)
        try await server.expect(200, "POST", "\(path)/layers", json: ["base": 1, "prompt": "red", "box": [0, 0, 16, 16]])
        if region != .full {
            let project = try Project.open(at: server.folder.appendingPathComponent("demo.ldbproj"))
            try project.commit { state in
                state.settings.region = region
                state.settings.regionMargin = 0
                return "region \(region)"
            }
        }
        return server
    }

    func picture(_ response: RawResponse) throws -> [UInt8] {
        #expect(response.status == 200, "\(response.text)")
        return try RGBImage(pngData: response.body).pixels
    }

    func revisionCount(_ server: TestServer) throws -> Int {
        try Project.open(at: server.folder.appendingPathComponent("demo.ldbproj")).revisions().count
    }

    @Test func aSliderPreviewIsTheCommittedRenderWithoutTheRevision() async throws {
        let server = try await server()
        defer { server.stop() }
        let before = try picture(try await server.request("GET", "\(path)/render.png?head=2"))
        let revisions = try revisionCount(server)

        let preview = try await server.request("POST", "\(path)/layers/layer%201/preview", json: ["base": 2, "opacity": 0.3])
        #expect(preview.headers["x-ldb-render"] == "preview")
        let previewed = try picture(preview)
        #expect(previewed != before, "the preview shows the edit")
        #expect(try await server.head() == 2)
        #expect(try revisionCount(server) == revisions, "a preview writes no revision")

        // Released: one revision, whose render is what the preview showed.
        try await server.expect(200, "PATCH", "\(path)/layers/layer%201", json: ["base": 2, "opacity": 0.3])
        #expect(try picture(try await server.request("GET", "\(path)/render.png?head=3")) == previewed)
    }

    @Test func aStrokePreviewUsesAMaskTheProjectDoesNotHold() async throws {
        let server = try await server()
        defer { server.stop() }
        var bytes = [UInt8](repeating: 0, count: 64 * 64)
        for y in 40..<60 { for x in 30..<60 { bytes[y * 64 + x] = 255 } }
        let png = try Mask(width: 64, height: 64, bytes: bytes).pngData()
        let preview = try await server.request("POST", "\(path)/layers/layer%201/preview",
                                               json: ["base": 2, "mask_png": png.base64EncodedString()])
        let previewed = try picture(preview)
        #expect(previewed != (try picture(try await server.request("GET", "\(path)/render.png?head=2"))))
        let project = try Project.open(at: server.folder.appendingPathComponent("demo.ldbproj"))
        #expect(throws: DocumentError.self, "the stroke's mask is not stored") {
            try project.blob(Project.blobSHA256(Data(bytes)))
        }
        #expect(try project.head().id == 2)
    }

    @Test func badPreviewsAreRefusedAndChangeNothing() async throws {
        let server = try await server()
        defer { server.stop() }
        let revisions = try revisionCount(server)
        for (body, target, status, message) in [
            (["base": 2, "opacity": 5] as [String: Any], "layer%201", 422, "opacity"),
            (["base": 2, "strength": "much"], "layer%201", 400, "field 'strength'"),
            (["base": 2, "box": [0, 0, 8]], "layer%201", 400, "box"),
            (["base": 2, "colour": "red"], "layer%201", 400, "unknown field 'colour'"),
            (["base": 2, "opacity": 0.5], "nope", 404, "nope"),
            (["base": 1, "opacity": 0.5], "layer%201", 409, "HEAD"),
        ] {
            let response = try await server.request("POST", "\(path)/layers/\(target)/preview", json: body)
            #expect(response.status == status, "\(body): \(response.text)")
            #expect(response.errorMessage?.localizedCaseInsensitiveContains(message) == true, "\(body): \(response.text)")
        }
        #expect(try revisionCount(server) == revisions)
        let quality = try await server.request("GET", "\(path)/render.png?head=2&quality=best")
        #expect(quality.status == 400)
    }

    @Test func previewsFollowTheProjectsRegionAndTheFinalRenderIsFullMode() async throws {
        let server = try await server(region: .crop)
        defer { server.stop() }
        let head = try await server.head()
        let preview = try await server.request("GET", "\(path)/render.png?head=\(head)")
        #expect(preview.headers["x-ldb-render"] == "preview")
        let final = try await server.request("GET", "\(path)/render.png?head=\(head)&quality=final")
        #expect(final.headers["x-ldb-render"] == "final")
        #expect(try picture(preview) != (try picture(final)), "crop mode with margin 0 approximates full mode")

        // The server's setting overrides the project's for previews: full mode previews are the final render.
        let full = try await TestServer(projects: [], folder: server.folder, preview: PreviewSettings(regionMode: .full))
        defer { full.stop() }
        #expect(try picture(try await full.request("GET", "\(path)/render.png?head=\(head)")) == (try picture(final)))
    }

    @Test func previewsUseThePreviewDecoderAndTheFinalRenderTheVAE() async throws {
        let folder = tinyModel.deletingLastPathComponent().appendingPathComponent("tiny-taesd")
        let decoder = PreviewDecoder(decoder: try AutoencoderTiny.load(folder: folder),
                                     fingerprint: try ModelReference.fingerprint(of: folder))
        let server = try await server(preview: PreviewSettings(decoder: decoder))
        defer { server.stop() }
        let preview = try RGBImage(pngData: try await server.request("GET", "\(path)/render.png?head=2").body)
        let final = try picture(try await server.request("GET", "\(path)/render.png?head=2&quality=final"))
        #expect((preview.width, preview.height) == (64, 64))
        #expect(preview.pixels != final, "the tiny decoder's picture is not the VAE's")
        let plain = try await TestServer(projects: [], folder: server.folder)
        defer { plain.stop() }
        #expect(try picture(try await plain.request("GET", "\(path)/render.png?head=2")) == final)
    }
}
