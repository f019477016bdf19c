import Foundation
import Testing

/// The token, Host and Origin rules: every request needs all three right, loopback included.
@Suite final class AccessTests {
    let server: TestServer

    init() async throws {
        server = try await TestServer()
    }

    deinit {
        server.stop()
    }

    @Test func requestWithoutTokenIsRefused() async throws {
        let response = try await server.send("GET", "/api/projects")
        #expect(response.status == 401)
        #expect(response.errorMessage == "this ldb server needs its token: open the URL it printed at start-up")
        #expect(try await server.send("GET", "/").status == 401, "the page itself needs the token")
    }

    @Test func wrongTokenIsRefusedInEveryForm() async throws {
        let wrong = String(server.token.reversed())
        let port = server.port
        #expect(try await server.send("GET", "/api/projects", headers: ["Cookie": "ldb_token_\(port)=\(wrong)"]).status == 401)
        #expect(try await server.send("GET", "/api/projects", headers: ["Authorization": "Bearer \(wrong)"]).status == 401)
        #expect(try await server.send("GET", "/api/projects?token=\(wrong)").status == 401)
        #expect(try await server.send("GET", "/api/projects?token=").status == 401)
    }

    @Test func tokenInCookieHeaderOrQueryIsAccepted() async throws {
        let port = server.port
        #expect(try await server.send("GET", "/api/projects", headers: ["Cookie": "ldb_token_\(port)=\(server.token)"]).status == 200)
        #expect(try await server.send("GET", "/api/projects", headers: ["Authorization": "Bearer \(server.token)"]).status == 200)
        #expect(try await server.send("GET", "/api/projects?token=\(server.token)").status == 200)
    }

    @Test func startURLSetsAStrictHttpOnlyCookieAndDropsTheToken() async throws {
        let response = try await server.send("GET", "/?token=\(server.token)")
        #expect(response.status == 303)
        #expect(response.headers["location"] == "/")
        let cookie = try #require(response.headers["set-cookie"])
        #expect(cookie.hasPrefix("ldb_token_\(server.port)=\(server.token)"), "\(cookie)")
        #expect(cookie.contains("HttpOnly"), "\(cookie)")
        #expect(cookie.contains("SameSite=Strict"), "\(cookie)")
        let page = try await server.request("GET", "/")
        #expect(page.status == 200)
        #expect(page.text.contains("<script type=\"module\" src=\"/page/main.js\">"))
        #expect(page.headers["content-security-policy"] != nil)
    }

    @Test func foreignHostIsRefusedEvenWithToken() async throws {
        for host in ["evil.example:\(server.port)", "127.0.0.1:\(server.port + 1)", "127.0.0.1", "evil.example"] {
            let response = try await server.request("GET", "/api/projects", headers: ["Host": host])
            #expect(response.status == 421, "\(host)")
            #expect(response.errorMessage == "the Host header does not name this server")
        }
        #expect(try await server.request("GET", "/api/projects", headers: ["Host": "localhost:\(server.port)",
                                                                         "Origin": "http://localhost:\(server.port)"]).status == 200)
    }

    @Test func crossOriginRequestsAreRefused() async throws {
        for origin in ["http://evil.example", "http://127.0.0.1:\(server.port + 1)", "https://127.0.0.1:\(server.port)", "null"] {
            let response = try await server.request("POST", "/api/projects/demo.ldbproj/layers", json: ["base": 1],
                                              headers: ["Origin": origin])
            #expect(response.status == 403, "\(origin)")
        }
        let crossSite = try await server.request("GET", "/api/projects", headers: ["Sec-Fetch-Site": "cross-site", "Origin": ""])
        #expect(crossSite.status == 403)
        #expect(try await server.head() == 1, "no refused request changed the document")
    }

    @Test func webSocketUpgradeNeedsTokenAndOrigin() async throws {
        let client = server.client
        func upgrade(_ headers: [String: String]) async throws -> String {
            var request = "GET /api/projects/demo.ldbproj/events HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            for (name, value) in headers { request += "\(name): \(value)\r\n" }
            return try await offThePool { [request] in
                let socket = try client.open(request + "\r\n")
                defer { close(socket) }
                return String(decoding: try client.read(socket) ?? Data(), as: UTF8.self)
            }
        }
        #expect(try await upgrade(server.pageHeaders).hasPrefix("HTTP/1.1 101"))
        var foreign = server.pageHeaders
        foreign["Origin"] = "http://evil.example"
        #expect(!(try await upgrade(foreign).hasPrefix("HTTP/1.1 101")))
        var anonymous = server.pageHeaders
        anonymous["Cookie"] = nil
        #expect(!(try await upgrade(anonymous).hasPrefix("HTTP/1.1 101")))
    }

    @Test func responsesCarrySecurityHeaders() async throws {
        let response = try await server.request("GET", "/api/projects")
        #expect(response.headers["x-content-type-options"] == "nosniff")
        #expect(response.headers["cache-control"] == "no-store")
        #expect(response.headers["x-frame-options"] == "DENY")
    }
}
