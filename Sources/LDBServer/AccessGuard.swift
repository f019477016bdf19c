import Foundation
import HTTPTypes
import Hummingbird

/// Lets a request through only when it names this server and carries the token.
///
/// - **Host**: the request's authority must be this server's address (loopback names, or the `--host` given),
///   at its port, so a page on another site cannot reach the server through DNS rebinding.
/// - **Origin**: when a browser sends one (every cross-origin request and every WebSocket upgrade), it must be
///   this server's own origin; `Sec-Fetch-Site: cross-site` is refused too.
/// - **Token**: the `ldb_token_<port>` cookie (set when the start-up URL `/?token=…` is opened), an
///   `Authorization: Bearer` header, or a `token` query parameter.
struct AccessGuard<Context: RequestContext>: RouterMiddleware {
    let access: ServerAccess

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        // HTTP/1's Host header arrives as the request's authority.
        guard let authority = request.head.authority, access.allows(authority: authority) else {
            throw APIError(.misdirectedRequest, "the Host header does not name this server")
        }
        if let origin = request.headers[.origin], !access.allows(origin: origin) {
            throw APIError(.forbidden, "cross-origin requests are refused (Origin \(origin))")
        }
        if request.headers[HTTPField.Name("Sec-Fetch-Site")!] == "cross-site" {
            throw APIError(.forbidden, "cross-site requests are refused")
        }
        guard access.isAuthorized(request) else {
            throw APIError(.unauthorized, "this ldb server needs its token: open the URL it printed at start-up")
        }
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.cacheControl] = response.headers[.cacheControl] ?? "no-store"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        return response
    }
}

/// The server's address and token, shared by the middleware and the routes; the port is known once bound.
final class ServerAccess: Sendable {
    let token: String
    private let hostNames: Set<String>
    private let boundPort: Locked<Int>

    init(configuration: ServerConfiguration) {
        token = configuration.token
        var names: Set<String> = ["127.0.0.1", "localhost", "[::1]"]
        let host = configuration.host.lowercased()
        names.insert(host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host)
        hostNames = names
        boundPort = Locked(configuration.port)
    }

    /// The port the server listens on.
    var port: Int {
        get { boundPort.current }
        set { boundPort.withLock { $0 = newValue } }
    }

    /// The cookie that carries the token; named after the port so servers on several ports do not clash.
    var cookieName: String { "ldb_token_\(port)" }

    func allows(authority: String) -> Bool {
        let lowered = authority.lowercased()
        guard let colon = lowered.lastIndex(of: ":"), !lowered.hasSuffix("]") else {
            return port == 80 && hostNames.contains(lowered)
        }
        return hostNames.contains(String(lowered[..<colon])) && lowered[lowered.index(after: colon)...] == "\(port)"
    }

    func allows(origin: String) -> Bool {
        let prefix = "http://"
        guard origin.lowercased().hasPrefix(prefix) else { return false }
        return allows(authority: String(origin.dropFirst(prefix.count)))
    }

    func isAuthorized(_ request: Request) -> Bool {
        if let cookie = request.cookies[cookieName]?.value, matches(cookie) { return true }
        if let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer "),
           matches(String(authorization.dropFirst("Bearer ".count))) {
            return true
        }
        if let query = request.uri.queryParameters["token"], matches(String(query)) { return true }
        return false
    }

    /// Compares in time independent of where the first difference is.
    private func matches(_ candidate: String) -> Bool {
        let a = Array(candidate.utf8), b = Array(token.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
