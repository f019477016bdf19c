import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A Hugging Face Hub on 127.0.0.1 serving one repository the way the Hub does: the revision API
/// (`/api/models/{id}/revision/{rev}`), `resolve` URLs with `ETag`, `X-Repo-Commit`, and for LFS files a `302` to a
/// second port standing in for the CDN, with `X-Linked-Etag` and `X-Linked-Size`; the CDN answers `Range` requests
/// with `206`. Faults can be switched on: a token required, a corrupted payload, a connection dropped halfway.
final class HubTestServer: @unchecked Sendable {
    /// One file of the served repository.
    struct File {
        let path: String
        let contents: Data
        /// Stored in LFS (weights): served from the CDN, named by SHA-256; otherwise named by the git blob id.
        let isLFS: Bool
        let sha256: String
        let gitBlobID: String
    }

    /// One request the server received.
    struct Request {
        let method: String
        let path: String
        let range: String?
        let authorization: String?
    }

    let repositoryID: String
    let commit = "5e1f0c0ffee5e1f0c0ffee5e1f0c0ffee5e1f0c0"
    let files: [String: File]
    /// The Hub's base URL, `http://127.0.0.1:PORT`.
    private(set) var endpoint = ""
    private(set) var cdnEndpoint = ""

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channels: [Channel] = []
    private let lock = NSLock()
    private var log: [Request] = []
    private var token: String?
    private var corrupted: Set<String> = []
    private var droppedOnce: Set<String> = []

    /// Serves `folder` as the repository `repositoryID`, with `extraFiles` (path to contents) added.
    init(serving folder: URL, as repositoryID: String, extraFiles: [String: Data] = [:]) throws {
        self.repositoryID = repositoryID
        var contents = extraFiles
        let root = folder.standardizedFileURL.path
        for case let url as URL in FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) ?? .init()
        where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            contents[String(url.standardizedFileURL.path.dropFirst(root.count + 1))] = try Data(contentsOf: url)
        }
        var files: [String: File] = [:]
        for (path, data) in contents {
            let isLFS = [".safetensors", ".bin", ".msgpack", ".onnx", ".ckpt"].contains { path.hasSuffix($0) }
            var sha1 = Insecure.SHA1()
            sha1.update(data: Data("blob \(data.count)\0".utf8))
            sha1.update(data: data)
            files[path] = File(path: path, contents: data, isLFS: isLFS, sha256: Self.hex(SHA256.hash(data: data)),
                               gitBlobID: Self.hex(sha1.finalize()))
        }
        self.files = files
        let hub = try bind()
        let cdn = try bind()
        endpoint = "http://127.0.0.1:\(hub.localAddress?.port ?? 0)"
        cdnEndpoint = "http://127.0.0.1:\(cdn.localAddress?.port ?? 0)"
        channels = [hub, cdn]
    }

    func shutdown() {
        for channel in channels { try? channel.close().wait() }
        try? group.syncShutdownGracefully()
    }

    /// The requests so far, in order.
    var requests: [Request] { lock.withLock { log } }

    /// Requires `Authorization: Bearer <token>` on the Hub's URLs (not on the CDN's, which are signed on the Hub).
    func requireToken(_ token: String?) { lock.withLock { self.token = token } }

    /// Serves the file at `path` with one byte changed (the headers still announce the true checksum).
    func corrupt(_ path: String) { lock.withLock { _ = corrupted.insert(path) } }

    /// The next full download of `path` from the CDN sends half of the bytes, then closes the connection.
    func dropHalfway(_ path: String) { lock.withLock { _ = droppedOnce.insert(path) } }

    // MARK: - Answers

    struct Reply {
        var status: HTTPResponseStatus
        var headers: [(String, String)] = []
        var body = Data()
        /// Bytes of the body to send before closing the connection, when it is to be dropped.
        var dropAfter: Int?
    }

    func reply(to head: HTTPRequestHead) -> Reply {
        let uri = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let path = uri.removingPercentEncoding ?? uri
        let authorization = head.headers.first(name: "Authorization")
        let (token, corrupted, drop): (String?, Set<String>, Set<String>) = lock.withLock {
            log.append(Request(method: head.method.rawValue, path: path, range: head.headers.first(name: "Range"),
                               authorization: authorization))
            return (self.token, self.corrupted, self.droppedOnce)
        }
        if path.hasPrefix("/cdn/") {
            let sha = String(path.dropFirst("/cdn/".count))
            guard let file = files.values.first(where: { $0.sha256 == sha }) else { return Reply(status: .notFound) }
            var body = file.contents
            if corrupted.contains(file.path), !body.isEmpty { body[body.count / 2] ^= 0xFF }
            return ranged(body, range: head.headers.first(name: "Range"),
                          drop: drop.contains(file.path) ? lock.withLock { droppedOnce.remove(file.path) } : nil)
        }
        if let token, authorization != "Bearer \(token)" {
            return Reply(status: .unauthorized, headers: [("X-Error-Message", "Invalid credentials in Authorization header")])
        }
        let apiPrefix = "/api/models/\(repositoryID)/revision/"
        if path.hasPrefix(apiPrefix) {
            let revision = String(path.dropFirst(apiPrefix.count))
            guard revision == "main" || revision == commit else {
                return Reply(status: .notFound, headers: [("X-Error-Code", "RevisionNotFound")])
            }
            return Reply(status: .ok, headers: [("Content-Type", "application/json")], body: revisionJSON())
        }
        let resolvePrefix = "/\(repositoryID)/resolve/"
        guard path.hasPrefix(resolvePrefix) else {
            return Reply(status: .notFound, headers: [("X-Error-Code", "RepoNotFound")])
        }
        let rest = path.dropFirst(resolvePrefix.count).split(separator: "/", maxSplits: 1).map(String.init)
        guard rest.count == 2, rest[0] == "main" || rest[0] == commit else {
            return Reply(status: .notFound, headers: [("X-Error-Code", "RevisionNotFound")])
        }
        guard let file = files[rest[1]] else { return Reply(status: .notFound, headers: [("X-Error-Code", "EntryNotFound")]) }
        if file.isLFS {
            return Reply(status: .found, headers: [
                ("Location", "\(cdnEndpoint)/cdn/\(file.sha256)"), ("X-Repo-Commit", commit),
                // The ETag of the LFS pointer file; the blob's own name is in X-Linked-Etag.
                ("ETag", "\"\(file.gitBlobID.reversed().map(String.init).joined())\""),
                ("X-Linked-Etag", "\"\(file.sha256)\""), ("X-Linked-Size", "\(file.contents.count)"),
            ])
        }
        var body = file.contents
        if corrupted.contains(file.path), !body.isEmpty { body[body.count / 2] ^= 0xFF }
        return Reply(status: .ok, headers: [("ETag", "\"\(file.gitBlobID)\""), ("X-Repo-Commit", commit)], body: body)
    }

    private func ranged(_ body: Data, range: String?, drop: String?) -> Reply {
        var reply = Reply(status: .ok, body: body)
        if let range, range.hasPrefix("bytes="), range.hasSuffix("-"),
           let start = Int(range.dropFirst("bytes=".count).dropLast()) {
            guard start < body.count else {
                return Reply(status: .rangeNotSatisfiable, headers: [("Content-Range", "bytes */\(body.count)")])
            }
            reply = Reply(status: .partialContent, headers: [("Content-Range", "bytes \(start)-\(body.count - 1)/\(body.count)")],
                          body: body.subdata(in: start..<body.count))
        }
        if drop != nil { reply.dropAfter = reply.body.count / 2 }
        return reply
    }

    private func revisionJSON() -> Data {
        let siblings: [[String: Any]] = files.values.sorted { $0.path < $1.path }.map { file in
            var entry: [String: Any] = ["rfilename": file.path, "size": file.contents.count, "blobId": file.gitBlobID]
            if file.isLFS { entry["lfs"] = ["sha256": file.sha256, "size": file.contents.count, "pointerSize": 134] }
            return entry
        }
        let info: [String: Any] = ["id": repositoryID, "sha": commit, "siblings": siblings]
        return (try? JSONSerialization.data(withJSONObject: info)) ?? Data()
    }

    private func bind() throws -> Channel {
        try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(HubTestServerHandler(server: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}

/// Answers each request with the server's `reply(to:)`, closing the connection after each answer.
private final class HubTestServerHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: HubTestServer
    private var head: HTTPRequestHead?

    init(server: HubTestServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(server.reply(to: head), isHead: head.method == .HEAD, context: context)
        }
    }

    private func respond(_ reply: HubTestServer.Reply, isHead: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders(reply.headers)
        headers.replaceOrAdd(name: "Content-Length", value: "\(reply.body.count)")
        headers.replaceOrAdd(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: reply.status, headers: headers))),
                      promise: nil)
        let channel = context.channel
        let body = isHead ? Data() : reply.body.prefix(reply.dropAfter ?? reply.body.count)
        if !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        if reply.dropAfter != nil, !isHead {
            context.flush()
            channel.eventLoop.scheduleTask(in: .milliseconds(50)) { channel.close(promise: nil) }
            return
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
