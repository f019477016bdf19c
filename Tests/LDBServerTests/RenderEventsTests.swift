import Foundation
import LDBDocument
import LDBImage
import Testing

/// Renders and the event socket: PNGs of HEAD, stale renders refused, edits from another process seen.
@Suite final class RenderEventsTests {
    let server: TestServer
    let path = "/api/projects/demo.ldbproj"

    init() async throws {
        server = try await TestServer()
    }

    deinit {
        server.stop()
    }

    @Test func rendersHeadAndTheOriginal() async throws {
        try await server.expect(200, "POST", "\(path)/layers", json: ["base": 1, "prompt": "red", "box": [0, 0, 32, 32]])
        let render = try await server.request("GET", "\(path)/render.png?head=2")
        #expect(render.status == 200, "\(render.text)")
        #expect(render.headers["content-type"] == "image/png")
        let image = try RGBImage(pngData: render.body)
        #expect(image.width == 64)
        #expect(image.height == 64)

        let original = try await server.request("GET", "\(path)/original.png")
        #expect(original.status == 200, "\(original.text)")
        let base = try RGBImage(pngData: original.body)
        #expect(base.width == 64)
        #expect(base.pixels != image.pixels, "the layer changed the picture")
        // Without layers, the render is the original.
        try await server.expect(200, "PATCH", "\(path)/layers/layer%201", json: ["base": 2, "visible": false])
        let hidden = try RGBImage(pngData: try await server.request("GET", "\(path)/render.png?head=3").body)
        #expect(hidden.pixels == base.pixels)
    }

    @Test func renderOfAStaleHeadIsRefused() async throws {
        try await server.expect(200, "POST", "\(path)/layers", json: ["base": 1])
        let response = try await server.request("GET", "\(path)/render.png?head=1")
        #expect(response.status == 409)
        #expect((try response.object()["head"] as? NSNumber)?.int64Value == 2)
    }

    @Test func eventsReportChangesFromOtherProcessesAndRenderProgress() async throws {
        let events = try await EventSocket.open(server: server, project: "demo.ldbproj")
        defer { events.close() }
        let subscribed = try await events.next { $0["type"] as? String == "subscribed" }
        #expect(subscribed["head"] == "1")
        // A change made outside the server, as `ldb layer add` would.
        let project = try Project.open(at: server.folder.appendingPathComponent("demo.ldbproj"))
        try project.commit { state, context in
            state.layers.append(Layer(name: "from the CLI", prompt: "x", seed: 1, regenSteps: 2,
                                      maskSHA256: try context.putBlob(Data(count: 64 * 64))))
            return "add layer \"from the CLI\""
        }
        let changed = try await events.next { $0["type"] as? String == "changed" }
        #expect(changed["head"] == "2")

        let render = try await server.request("GET", "\(path)/render.png?head=2")
        #expect(render.status == 200, "\(render.text)")
        let progress = try await events.next { $0["type"] as? String == "render" && $0["stage"] as? String == "finish" }
        #expect(progress["head"] == "2")
        _ = try await events.next { $0["type"] as? String == "rendered" }
    }
}

/// A WebSocket client for the event route, reading server frames (unmasked text) off a raw socket.
final class EventSocket: @unchecked Sendable {
    private let client: RawHTTPClient
    private let socket: Int32
    private var buffer = Data()

    /// Connects off the concurrency threads (see `TestServer.send`).
    static func open(server: TestServer, project: String) async throws -> EventSocket {
        let (client, headers) = (server.client, server.pageHeaders)
        return try await offThePool { try EventSocket(client: client, headers: headers, project: project) }
    }

    private init(client: RawHTTPClient, headers: [String: String], project: String) throws {
        self.client = client
        var request = "GET /api/projects/\(project)/events HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        socket = try client.open(request + "\r\n")
        while buffer.range(of: Data("\r\n\r\n".utf8)) == nil {
            guard let chunk = try client.read(socket) else { throw RawHTTPError("socket closed during upgrade") }
            buffer += chunk
        }
        let end = buffer.range(of: Data("\r\n\r\n".utf8))!
        guard String(decoding: buffer[..<end.lowerBound], as: UTF8.self).hasPrefix("HTTP/1.1 101") else {
            throw RawHTTPError("no upgrade: \(String(decoding: buffer, as: UTF8.self))")
        }
        buffer = Data(buffer[end.upperBound...])
    }

    /// The next event that `matches`, skipping others.
    func next(where matches: @escaping @Sendable ([String: Any]) -> Bool) async throws -> [String: String] {
        try await offThePool { [self] in
            while true {
                let text = try nextText()
                if let event = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], matches(event) {
                    return event.mapValues { "\($0)" }
                }
            }
        }
    }

    private func nextText() throws -> String {
        while true {
            if buffer.count >= 2 {
                let bytes = [UInt8](buffer.prefix(10))
                let opcode = bytes[0] & 0x0F
                var length = Int(bytes[1] & 0x7F)
                var offset = 2
                if length == 126, bytes.count >= 4 {
                    length = Int(bytes[2]) << 8 | Int(bytes[3])
                    offset = 4
                } else if length == 127, bytes.count >= 10 {
                    length = bytes[2..<10].reduce(0) { $0 << 8 | Int($1) }
                    offset = 10
                }
                if length < 126 || offset > 2, buffer.count >= offset + length {
                    let payload = buffer.subdata(in: buffer.startIndex + offset ..< buffer.startIndex + offset + length)
                    buffer = Data(buffer.dropFirst(offset + length))
                    if opcode == 1 { return String(decoding: payload, as: UTF8.self) }
                    if opcode == 8 { throw RawHTTPError("the server closed the socket") }
                    continue
                }
            }
            guard let chunk = try client.read(socket) else { throw RawHTTPError("socket closed") }
            buffer += chunk
        }
    }

    func close() {
        Glibc.close(socket)
    }
}
