import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging

/// `ldb serve`: the layered brush editor, a local web application on the same documents and engine as the CLI.
///
/// ```swift
/// let server = try EditorServer(configuration: ServerConfiguration(paths: [folder]))
/// try await server.run { url in print("open \(url)") }
/// ```
public struct EditorServer: Sendable {
    public let configuration: ServerConfiguration
    let registry: ProjectRegistry
    let access: ServerAccess
    let page: PageResources

    /// - Throws: an error naming a served path that is neither a folder nor a project file.
    public init(configuration: ServerConfiguration) throws {
        self.configuration = configuration
        registry = try ProjectRegistry(configuration: configuration)
        access = ServerAccess(configuration: configuration)
        page = try PageResources()
    }

    /// The address to open: the page, with the token that the page then keeps in a cookie.
    public func startURL(port: Int) -> URL {
        let host = configuration.bindsLoopback ? "127.0.0.1" : configuration.host
        let authority = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return URL(string: "http://\(authority):\(port)/?token=\(configuration.token)")!
    }

    /// Serves until the task is cancelled; `onRunning` receives the start-up URL once the port is bound.
    public func run(onRunning: @escaping @Sendable (URL) -> Void = { _ in }) async throws {
        var logger = Logger(label: "ldb.serve")
        // Failures reach the user as errors thrown from `run`; the log would only repeat them.
        logger.logLevel = .critical
        let application = Application(
            router: makeRouter(),
            server: .http1WebSocketUpgrade(webSocketRouter: makeWebSocketRouter()),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { [access] channel in
                let port = channel.localAddress?.port ?? configuration.port
                access.port = port
                onRunning(startURL(port: port))
            },
            logger: logger)
        defer { registry.closeAll() }
        try await application.run()
    }

    /// Every HTTP route: the page, its files and the API.
    func makeRouter() -> Router<BasicWebSocketRequestContext> {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AccessGuard(access: access))
        addPageRoutes(to: router)
        addProjectRoutes(to: router)
        addLayerRoutes(to: router)
        addHistoryRoutes(to: router)
        addRenderRoutes(to: router)
        return router
    }

    /// The WebSocket route: a project's events (changes, render progress).
    func makeWebSocketRouter() -> Router<BasicWebSocketRequestContext> {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AccessGuard(access: access))
        addEventRoute(to: router)
        return router
    }
}

// MARK: Helpers shared by the routes

extension EditorServer {
    /// Runs blocking document work on a thread of its own, off the server's event loops.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// `value` as pretty JSON.
    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// `data` with `contentType`.
    func bytes(_ data: Data, contentType: String, cacheControl: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        if let cacheControl { headers[.cacheControl] = cacheControl }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The project named by the `project` path parameter.
    func session(_ context: some RequestContext) throws -> ProjectSession {
        try registry.session(try pathParameter("project", context))
    }

    /// The path parameter `name`, percent-decoded (a layer name may hold spaces).
    func pathParameter(_ name: String, _ context: some RequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        guard let decoded = raw.removingPercentEncoding else {
            throw APIError.badRequest("path parameter '\(name)' is not valid percent-encoding: \(raw)")
        }
        return decoded
    }

    /// An integer query parameter.
    func queryInteger(_ request: Request, _ name: String) throws -> Int64 {
        guard let text = request.uri.queryParameters[Substring(name)] else {
            throw APIError.badRequest("query parameter '\(name)' is required")
        }
        guard let value = Int64(text) else {
            throw APIError.badRequest("query parameter '\(name)': expected an integer, found '\(text)'")
        }
        return value
    }
}
