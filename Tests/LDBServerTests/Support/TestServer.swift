import Foundation
import LDBDocument
import LDBServer
import Testing

/// The bundled tiny model (random weights): renders in well under a second.
let tinyModel = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/models/tiny-sd1")

/// An `EditorServer` running in this process on a free port, serving a scratch folder.
final class TestServer {
    let folder: URL
    let token = "test0token0" + String(repeating: "a", count: 21)
    private(set) var port = 0
    private var task: Task<Void, Error>?

    /// Starts a server on `folder` (a new scratch folder by default) with `projects` created in it.
    init(projects: [String] = ["demo.ldbproj"], paths: [URL]? = nil, folder: URL? = nil,
         preview: PreviewSettings = PreviewSettings()) async throws {
        self.folder = try folder ?? Self.scratchFolder()
        for name in projects {
            try Self.makeProject(at: self.folder.appendingPathComponent(name))
        }
        let configuration = ServerConfiguration(port: 0, token: token, paths: paths ?? [self.folder],
                                                watchInterval: 0.05, preview: preview)
        let server = try EditorServer(configuration: configuration)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        task = Task {
            defer { continuation.finish() }
            try await server.run { url in continuation.yield(url.port ?? 0) }
        }
        for await bound in ports {
            port = bound
            break
        }
        guard port != 0 else { throw RawHTTPError("the server did not start") }
    }

    deinit {
        task?.cancel()
    }

    func stop() {
        task?.cancel()
    }

    var client: RawHTTPClient { RawHTTPClient(port: port) }

    /// The headers a page of this server sends: its Host, its Origin and the token cookie.
    var pageHeaders: [String: String] {
        ["Host": "127.0.0.1:\(port)", "Origin": "http://127.0.0.1:\(port)", "Cookie": "ldb_token_\(port)=\(token)"]
    }

    /// A request with exactly `headers`, sent from a thread of its own: the server answers on Swift's
    /// concurrency threads, which a blocking socket read in a test must not hold.
    func send(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) async throws -> RawResponse {
        let client = client
        return try await offThePool { try client.send(method, path, headers: headers, body: body) }
    }

    /// A request as the page makes it, with a JSON body when `json` is given.
    @discardableResult
    func request(_ method: String, _ path: String, json: Any? = nil, headers: [String: String] = [:]) async throws -> RawResponse {
        var fields = pageHeaders.merging(headers) { $1 }
        var body: Data?
        if let json {
            body = try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed])
            fields["Content-Type"] = "application/json"
        }
        return try await send(method, path, headers: fields, body: body)
    }

    /// The request, expected to answer `status`; its JSON object.
    @discardableResult
    func expect(_ status: Int, _ method: String, _ path: String, json: Any? = nil,
                sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let response = try await request(method, path, json: json)
        #expect(response.status == status, "\(method) \(path): \(response.text)", sourceLocation: sourceLocation)
        return (try? response.object()) ?? [:]
    }

    /// HEAD of the project `name` as the API reports it.
    func head(_ name: String = "demo.ldbproj") async throws -> Int64 {
        let info = try await expect(200, "GET", "/api/projects/\(name)")
        return (info["head"] as? NSNumber)?.int64Value ?? -1
    }

    static func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ldb-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A generated 64x64 project on the tiny model, 4 steps.
    @discardableResult
    static func makeProject(at url: URL) throws -> Project {
        let settings = ProjectSettings(width: 64, height: 64, steps: 4, blendSteps: 1, prompt: "a test", guidance: 7.5,
                                       seed: 7)
        let model = ModelReference(location: tinyModel.path, fingerprint: try ModelReference.fingerprint(of: tinyModel))
        return try Project.create(at: url, settings: settings, model: model, sourceImagePNG: nil)
    }
}

/// Runs blocking `body` on a new thread and waits for it without holding a concurrency thread.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
