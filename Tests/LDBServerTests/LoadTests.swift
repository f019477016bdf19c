import Foundation
import LDBDocument
import Testing

/// Twenty clients reading and editing one project at once, for a bounded time: no acknowledged edit is lost.
/// (The release-build run of 30 s, with latencies and the server's memory, is `Benchmarks/serve/load.py`;
/// BENCHMARKS.md has its figures.)
@Suite final class LoadTests {
    static let clients = 20
    static let seconds = 8.0

    let server: TestServer
    let path = "/api/projects/demo.ldbproj"

    init() async throws {
        server = try await TestServer()
    }

    deinit {
        server.stop()
    }

    /// What one client saw acknowledged.
    struct Acknowledged: Sendable {
        var client: Int
        var descriptions: [String] = []
        var lastStrength: Double?
        var calls = 0
        var conflicts = 0
    }

    @Test func concurrentClientsLoseNoEdit() async throws {
        var head = try await server.head()
        for client in 0..<Self.clients {
            let answer = try await server.expect(200, "POST", "\(path)/layers", json: [
                "base": head, "name": "client \(client)", "prompt": "x", "box": [0, 0, 8, 8],
            ])
            head = try #require(((answer["project"] as? [String: Any])?["head"] as? NSNumber)?.int64Value)
        }
        let setupHead = head
        let deadline = Date().addingTimeInterval(Self.seconds)

        let results = try await withThrowingTaskGroup(of: Acknowledged.self) { group in
            for client in 0..<Self.clients {
                let page = PageClient(http: server.client, headers: server.pageHeaders)
                group.addTask { [path] in
                    try await Self.run(client: client, on: page, path: path, from: setupHead, until: deadline)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        let acknowledged = results.flatMap(\.descriptions)
        #expect(acknowledged.count >= Self.clients, "every client got at least one edit through")
        let history = try await server.expect(200, "GET", "\(path)/history")
        let revisions = try #require(history["revisions"] as? [[String: Any]])
        let made = revisions.filter { (($0["id"] as? NSNumber)?.int64Value ?? 0) > setupHead }
            .compactMap { $0["description"] as? String }
        #expect(made.sorted() == acknowledged.sorted(), "the history holds exactly the acknowledged edits")
        let layers = try Project.open(at: server.folder.appendingPathComponent("demo.ldbproj")).state().layers
        for result in results {
            guard let strength = result.lastStrength else { continue }
            let layer = try #require(layers.first { $0.name == "client \(result.client)" })
            #expect(abs(layer.strength - strength) < 1e-6, "\(layer.name) ends at its last acknowledged strength")
        }
        let calls = results.map(\.calls).reduce(0, +), conflicts = results.map(\.conflicts).reduce(0, +)
        print("load: \(calls) calls, \(acknowledged.count) acknowledged edits, \(conflicts) stale-HEAD answers retried")
    }

    /// One client: reads the project, its history or its layer's mask, or sets its own layer's strength on the
    /// HEAD it last saw, until `deadline`; a 409 gives it the new HEAD to retry on.
    static func run(client: Int, on server: PageClient, path: String, from start: Int64,
                    until deadline: Date) async throws -> Acknowledged {
        var generator = SystemRandomNumberGenerator()
        var seen = Acknowledged(client: client)
        var head = start
        var value = 0
        let layer = "client%20\(client)"
        while Date() < deadline {
            seen.calls += 1
            switch Int.random(in: 0..<4, using: &generator) {
            case 0:
                #expect(try await server.request("GET", path).status == 200)
            case 1:
                #expect(try await server.request("GET", "\(path)/history").status == 200)
            case 2:
                #expect(try await server.request("GET", "\(path)/layers/\(layer)/mask.png").status == 200)
            default:
                value += 1
                let strength = Double(value % 1000) / 1000 + 0.0005
                let response = try await server.request("PATCH", "\(path)/layers/\(layer)",
                                                        json: ["base": head, "strength": strength])
                let answer = try response.object()
                if response.status == 409 {
                    seen.conflicts += 1
                    head = try #require((answer["head"] as? NSNumber)?.int64Value, "a 409 names the HEAD")
                    continue
                }
                #expect(response.status == 200, "\(response.text)")
                let project = try #require(answer["project"] as? [String: Any])
                head = try #require((project["head"] as? NSNumber)?.int64Value)
                seen.descriptions.append(try #require(answer["description"] as? String))
                seen.lastStrength = strength
            }
        }
        return seen
    }
}

/// Requests as the page makes them, from any task: the page's headers and a JSON body.
struct PageClient: Sendable {
    var http: RawHTTPClient
    var headers: [String: String]

    func request(_ method: String, _ path: String, json: [String: Any]? = nil) async throws -> RawResponse {
        var fields = headers
        var body: Data?
        if let json {
            body = try JSONSerialization.data(withJSONObject: json)
            fields["Content-Type"] = "application/json"
        }
        let (http, sent) = (http, fields)
        return try await offThePool { [body] in try http.send(method, path, headers: sent, body: body) }
    }
}
