import Foundation
import LDBDocument
import LDBImage
import Testing

/// Layer changes through the API: each is one revision made with the document's rules, and bad input is a
/// 4xx that leaves the document as it was.
@Suite final class LayerRoutesTests {
    let server: TestServer
    let project: Project
    let path = "/api/projects/demo.ldbproj"

    init() async throws {
        server = try await TestServer()
        project = try Project.open(at: server.folder.appendingPathComponent("demo.ldbproj"))
    }

    deinit {
        server.stop()
    }

    private func maskPNG(width: Int = 64, height: Int = 64, box: (Int, Int, Int, Int) = (8, 8, 16, 16)) throws -> String {
        try Mask.rectangle(width: width, height: height, x: box.0, y: box.1, w: box.2, h: box.3).pngData()
            .base64EncodedString()
    }

    @Test func addSetHideShowRenameDuplicateMoveDelete() async throws {
        var answer = try await server.expect(200, "POST", "\(path)/layers", json: ["base": 1, "prompt": "a cat", "box": [0, 0, 32, 32]])
        #expect(answer["description"] as? String == "add layer \"layer 1\"")
        var layer = try project.layer("layer 1")
        #expect(layer.prompt == "a cat")
        #expect(layer.regenSteps == 2, "the CLI's default: max(B + 1, N / 2)")
        #expect(try project.blob(layer.maskSHA256).filter { $0 == 255 }.count == 32 * 32)

        answer = try await server.expect(200, "PATCH", "\(path)/layers/\(layer.id)", json: [
            "base": 2, "strength": 0.5, "seed": "12345678901234567890", "opacity": 0.25, "feather": 3, "invert": true,
            "regen_steps": 3, "guidance": 4, "negative_prompt": "blur",
        ])
        layer = try project.layer(String(layer.id))
        #expect(layer.strength == 0.5)
        #expect(layer.seed == 12_345_678_901_234_567_890)
        #expect(layer.opacity == 0.25)
        #expect(layer.feather == 3)
        #expect(layer.invert)
        #expect(layer.regenSteps == 3)
        #expect(layer.negativePrompt == "blur")
        #expect(try project.head().id == 3, "several fields: one revision")

        answer = try await server.expect(200, "PATCH", "\(path)/layers/layer%201", json: ["base": 3, "visible": false])
        #expect(answer["description"] as? String == "hide layer \"layer 1\"")
        answer = try await server.expect(200, "PATCH", "\(path)/layers/\(layer.id)", json: ["base": 4, "visible": true, "name": "cat"])
        #expect(try project.layer("cat").visible == true)

        answer = try await server.expect(200, "POST", "\(path)/layers/cat/duplicate", json: ["base": 5])
        #expect(try project.state().layers.map(\.name) == ["cat", "cat copy"])
        answer = try await server.expect(200, "POST", "\(path)/layers/cat/move", json: ["base": 6, "to": 1])
        #expect(try project.state().layers.map(\.name) == ["cat copy", "cat"])
        answer = try await server.expect(200, "PATCH", "\(path)/layers/cat", json: ["base": 7, "mask_png": try maskPNG()])
        #expect(answer["description"] as? String == "paint mask of \"cat\"")
        #expect(try project.blob(try project.layer("cat").maskSHA256).filter { $0 == 255 }.count == 16 * 16)
        answer = try await server.expect(200, "DELETE", "\(path)/layers/cat%20copy?base=8")
        #expect(try project.state().layers.map(\.name) == ["cat"])
        #expect(try project.head().id == 9)
        let mask = try await server.request("GET", "\(path)/layers/cat/mask.png")
        #expect(mask.status == 200)
        #expect(mask.headers["content-type"] == "image/png")
        #expect(try Mask(pngData: mask.body).bytes.filter { $0 == 255 }.count == 16 * 16)
    }

    @Test func unchangedLayerMakesNoRevision() async throws {
        try await server.expect(200, "POST", "\(path)/layers", json: ["base": 1])
        let answer = try await server.expect(200, "PATCH", "\(path)/layers/layer%201", json: ["base": 2, "strength": 0.7])
        #expect(answer["description"] is NSNull)
        #expect(try project.head().id == 2)
    }

    @Test func badInputIsA4xxAndChangesNothing() async throws {
        try await server.expect(200, "POST", "\(path)/layers", json: ["base": 1, "prompt": "a cat"])
        let before = try project.state()
        let revisions = try project.revisions().count
        let layerPath = "\(path)/layers/layer%201"
        let cases: [(String, String, Any?, Int, String)] = [
            ("PATCH", layerPath, ["base": 2, "strength": "strong"], 400, "field 'strength': expected a number"),
            ("PATCH", layerPath, ["base": 2, "visible": 1], 400, "field 'visible': expected true or false"),
            ("PATCH", layerPath, ["base": 2, "strength": -1], 422, "strength -1.0 must be a number from 0 to 100"),
            ("PATCH", layerPath, ["base": 2, "opacity": 1.5], 422, "opacity 1.5 must be a number from 0 to 1"),
            ("PATCH", layerPath, ["base": 2, "regen_steps": 9], 422, "regen steps 9"),
            ("PATCH", layerPath, ["base": 2, "name": "12"], 422, "must not be a number"),
            ("PATCH", layerPath, ["base": 2, "name": ""], 422, "name must not be empty"),
            ("PATCH", layerPath, ["base": 2, "seed": 1.5], 400, "field 'seed'"),
            ("PATCH", layerPath, ["base": 2, "bogus": 1], 400, "unknown field 'bogus'"),
            ("PATCH", layerPath, ["strength": 0.5], 400, "field 'base' is required"),
            ("PATCH", layerPath, [1, 2], 400, "must be a JSON object"),
            ("PATCH", "\(path)/layers/nobody", ["base": 2, "strength": 0.5], 404, "no layer with id or name 'nobody'"),
            ("PATCH", layerPath, ["base": 2, "mask_png": "aGVsbG8="], 422, "image"),
            ("PATCH", layerPath, ["base": 2, "mask_png": try maskPNG(width: 32, height: 32)], 422,
             "mask_png is 32x32 but the project is 64x64"),
            ("PATCH", layerPath, ["base": 2, "box": [0, 0, 100, 10]], 422, "image"),
            ("PATCH", layerPath, ["base": 2, "box": [1, 2]], 400, "expected [x, y, width, height]"),
            ("PATCH", layerPath, ["base": 2, "box": [0, 0, 8, 8], "mask_png": try maskPNG()], 400, "not both"),
            ("POST", "\(path)/layers/layer%201/move", ["base": 2, "to": 5], 422, "place 5 is outside the stack"),
            ("POST", "\(path)/layers", ["base": 2, "name": "layer 1"], 422, "already exists"),
            ("DELETE", "\(path)/layers/layer%201", nil, 400, "query parameter 'base' is required"),
            ("DELETE", "\(path)/layers/layer%201?base=two", nil, 400, "expected an integer"),
        ]
        for (method, target, body, status, message) in cases {
            let response = try await server.request(method, target, json: body)
            #expect(response.status == status, "\(method) \(target) \(String(describing: body)): \(response.text)")
            #expect(response.errorMessage?.contains(message) == true, "\(String(describing: body)): expected '\(message)' in \(response.text)")
        }
        let malformed = try await server.send("PATCH", layerPath, headers: server.pageHeaders, body: Data("{\"base\": 2,".utf8))
        #expect(malformed.status == 400)
        #expect(malformed.errorMessage == "the request body is not valid JSON")
        #expect(try project.state() == before)
        #expect(try project.revisions().count == revisions)
    }

    @Test func bodiesAreBounded() async throws {
        let huge = Data(repeating: UInt8(ascii: " "), count: 25 << 20)
        let response = try await server.send("POST", "\(path)/layers", headers: server.pageHeaders, body: huge)
        #expect(response.status == 413)
        #expect(try project.head().id == 1)
    }

    @Test func staleEditIsRefusedWithTheNewHead() async throws {
        try await server.expect(200, "POST", "\(path)/layers", json: ["base": 1, "prompt": "first tab"])
        let response = try await server.request("POST", "\(path)/layers", json: ["base": 1, "prompt": "second tab"])
        #expect(response.status == 409)
        #expect((try response.object()["head"] as? NSNumber)?.int64Value == 2)
        #expect(response.errorMessage == "the project changed: the edit was made on revision 1 but HEAD is now 2")
        #expect(try project.state().layers.map(\.prompt) == ["first tab"])
    }
}
