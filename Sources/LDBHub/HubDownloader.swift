import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LDBDiffusion

/// Downloads the files ldb needs of a diffusers repository from the Hugging Face Hub's HTTP API into the
/// Hugging Face cache, laid out exactly as huggingface_hub 2.4.0 lays it out (see `HubCache`), so that
/// `ModelLocation.resolve("ORG/NAME")` and Python's diffusers both find it.
///
/// The protocol is huggingface_hub's (`hf_api.py`, `file_download.py`):
/// 1. `GET {endpoint}/api/models/{id}/revision/{revision}?blobs=true` gives the commit, the files, their sizes and
///    the SHA-256 of LFS files; `HubFileSelection` picks the files needed.
/// 2. For each file, `HEAD {endpoint}/{id}/resolve/{commit}/{path}` gives `X-Repo-Commit`, the blob's name
///    (`X-Linked-Etag`, else `ETag`), its size (`X-Linked-Size`, else `Content-Length`), and for LFS files a
///    redirect to where the bytes are. Relative redirects (renamed repositories) are followed; an absolute one
///    is where the bytes are fetched from, without the token when it is another origin.
/// 3. The bytes go to `blobs/<etag>.incomplete`; an interrupted transfer is resumed with `Range: bytes=N-`.
///    Only after the size and the checksum (SHA-256 for LFS files, the git blob id for the others) match is it
///    renamed to `blobs/<etag>`, and `snapshots/<commit>/<path>` made a relative link to it.
/// 4. When everything is there, `refs/<revision>` is set to the commit, so a ref never names a partial snapshot.
///
/// All calls block the calling thread until done.
public struct HubDownloader: Sendable {
    /// The cache written into.
    public let cache: HubCache
    /// The Hub read from.
    public let endpoint: HubEndpoint
    /// How many times a transfer that breaks off is resumed within one pull before giving up (what arrived is
    /// kept either way, for the next pull to resume).
    public var resumeAttempts = 3
    /// Seconds without data after which a request fails.
    public var timeout: TimeInterval = 60

    /// A downloader from `endpoint` into `cache`.
    public init(cache: HubCache, endpoint: HubEndpoint) {
        self.cache = cache
        self.endpoint = endpoint
    }

    /// A downloader configured as huggingface_hub would be in `environment`: `HF_ENDPOINT`, `HF_TOKEN`, and the
    /// cache from `HF_HUB_CACHE`, `HF_HOME`, … (see `HubCache(environment:)`).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(HubDownloadError) {
        self.init(cache: HubCache(environment: environment), endpoint: try HubEndpoint(environment: environment))
    }

    /// The commit and files of `id` at `revision`, from the revision API.
    public func repositoryInfo(_ id: HubRepositoryID, revision: String = "main") throws(HubDownloadError) -> HubRepositoryInfo {
        try Self.validate(revision: revision)
        let url = endpoint.revisionInfoURL(for: id, revision: revision)
        let (response, body) = try client.data(for: request(url, method: "GET"))
        try check(response, id: id)
        return try HubRepositoryInfo(json: body, id: id)
    }

    /// Downloads what ldb needs of `id` at `revision` (a branch, tag or commit hash), with the weights of
    /// `variant` (`"fp16"`) where the repository has them; files already in the cache are not downloaded again.
    ///
    /// - Parameter progress: called, on another thread, as the bytes of each file arrive.
    /// - Returns: the snapshot folder and what was downloaded.
    /// - Throws: `HubDownloadError`; after an interruption, a new pull resumes where this one stopped.
    @discardableResult
    public func pull(
        _ id: HubRepositoryID, revision: String = "main", variant: String? = nil,
        progress: @escaping @Sendable (HubDownloadProgress) -> Void = { _ in }
    ) throws(HubDownloadError) -> HubPullResult {
        let info = try repositoryInfo(id, revision: revision)
        let selection = HubFileSelection(repositoryFiles: info.files.map(\.path), variant: variant)
        guard selection.missing.isEmpty else { throw .notADiffusersModel(id, missing: selection.missing) }
        let repository = cache.repositoryFolder(for: id)
        let snapshot = repository.appendingPathComponent("snapshots/\(info.commit)", isDirectory: true)
        let filesByPath = Dictionary(info.files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })

        let pending = selection.files.filter { !Self.linkReachesBlob(snapshot.appendingPathComponent($0)) }
        for (number, path) in pending.enumerated() {
            let metadata = try fileMetadata(id, commit: info.commit, path: path, listed: filesByPath[path])
            let blob = repository.appendingPathComponent("blobs/\(metadata.etag)")
            if !Self.isFile(blob, ofSize: metadata.size) {
                try download(metadata, path: path, to: blob) { received in
                    progress(HubDownloadProgress(file: path, fileNumber: number + 1, fileCount: pending.count,
                                                 receivedBytes: received, totalBytes: metadata.size))
                }
            }
            try link(snapshot.appendingPathComponent(path), to: metadata.etag, depth: path.split(separator: "/").count)
        }
        if revision != info.commit {
            try writeRef(repository.appendingPathComponent("refs/\(revision)"), commit: info.commit)
        }
        return HubPullResult(commit: info.commit, snapshot: snapshot, files: selection.files, downloaded: pending)
    }

    // MARK: - One file

    /// What the Hub says of one file before its bytes are fetched.
    struct FileMetadata {
        /// The blob's name in the cache: a SHA-256 for LFS files, a git blob id for the others.
        let etag: String
        let size: Int64
        /// The SHA-256 the contents must have, for LFS files.
        let sha256: String?
        /// Where the bytes are: the resolve URL, or the CDN URL it redirects to.
        let downloadURL: URL
    }

    /// `HEAD` of the file's resolve URL, following relative redirects only (as huggingface_hub does).
    func fileMetadata(_ id: HubRepositoryID, commit: String, path: String,
                      listed: HubRepositoryInfo.File?) throws(HubDownloadError) -> FileMetadata {
        var url = endpoint.resolveURL(for: id, commit: commit, path: path)
        var response = try client.stream(request(url, method: "HEAD"), onResponse: { _ in false }, onData: { _ in })
        var redirects = 0
        while response.isRedirect, let location = response["Location"], URL(string: location)?.host == nil,
              let next = response.location, redirects < 10 {
            url = next
            redirects += 1
            response = try client.stream(request(url, method: "HEAD"), onResponse: { _ in false }, onData: { _ in })
        }
        try check(response, id: id)

        guard let servedCommit = response["X-Repo-Commit"] else { throw .missingHeader(url, header: "X-Repo-Commit") }
        guard servedCommit == commit else {
            throw .inconsistentServer(path, reason: "served from commit \(servedCommit), not \(commit)")
        }
        guard let rawETag = response["X-Linked-Etag"] ?? response["ETag"] else { throw .missingHeader(url, header: "ETag") }
        let etag = Self.normalize(etag: rawETag)
        guard !etag.isEmpty, !etag.contains("/"), etag != ".", etag != ".." else {
            throw .inconsistentServer(path, reason: "the ETag '\(rawETag)' cannot name a blob")
        }
        let headerSize = (response["X-Linked-Size"] ?? (response.isRedirect ? nil : response["Content-Length"]))
            .flatMap { Int64($0) }
        guard let size = headerSize ?? listed?.size else { throw .missingHeader(url, header: "X-Linked-Size") }
        if let listedSize = listed?.size, listedSize != size {
            throw .inconsistentServer(path, reason: "the revision lists \(listedSize) bytes, the file's headers \(size)")
        }
        let sha256 = listed?.lfsSHA256 ?? (Self.isHex(etag, count: 64) ? etag.lowercased() : nil)
        let downloadURL = response.isRedirect ? (response.location ?? url) : url
        return FileMetadata(etag: etag, size: size, sha256: sha256, downloadURL: downloadURL)
    }

    /// Fetches the file into `blobs/<etag>.incomplete`, resuming what is there, checks it, and renames it to `blob`.
    func download(_ metadata: FileMetadata, path: String, to blob: URL,
                  progress: @escaping @Sendable (Int64) -> Void) throws(HubDownloadError) {
        let incomplete = blob.appendingPathExtension("incomplete")
        try createDirectory(blob.deletingLastPathComponent())
        if !FileManager.default.fileExists(atPath: incomplete.path) {
            guard FileManager.default.createFile(atPath: incomplete.path, contents: nil) else {
                throw .fileSystem(incomplete, reason: "cannot create the file")
            }
        }
        var failures = 0
        while true {
            let received = Self.size(of: incomplete)
            if received == metadata.size { break }
            // More bytes than the file has: not a prefix of it, so start again.
            if received > metadata.size { try truncate(incomplete) }
            let offset = received > metadata.size ? 0 : received
            var reason = "the server closed the transfer early"
            do {
                try transfer(from: metadata.downloadURL, resumingAt: offset, into: incomplete,
                             progress: progress)
                if Self.size(of: incomplete) >= metadata.size { continue }
            } catch .transport(_, let transportReason) {
                reason = transportReason
            }
            failures += 1
            if failures > resumeAttempts {
                throw .interrupted(path, received: Self.size(of: incomplete), expected: metadata.size, reason: reason)
            }
        }
        try verify(incomplete, metadata: metadata, path: path)
        do {
            if FileManager.default.fileExists(atPath: blob.path) { try FileManager.default.removeItem(at: blob) }
            try FileManager.default.moveItem(at: incomplete, to: blob)
        } catch {
            throw .fileSystem(blob, reason: error.localizedDescription)
        }
    }

    /// One `GET`, appending to `file` from `offset` (a `206` answer) or rewriting it (a `200`: the server ignored
    /// the range). Redirects are followed, keeping the token only on the endpoint's origin.
    private func transfer(from url: URL, resumingAt offset: Int64, into file: URL,
                          progress: @escaping @Sendable (Int64) -> Void) throws(HubDownloadError) {
        let handle: FileHandle
        do {
            handle = try FileHandle(forWritingTo: file)
            try handle.seekToEnd()
        } catch {
            throw .fileSystem(file, reason: error.localizedDescription)
        }
        defer { try? handle.close() }
        let writer = BlobWriter(handle: handle, file: file, offset: offset, progress: progress)

        var url = url
        for _ in 0...10 {
            var request = request(url, method: "GET")
            if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }
            let response = try client.stream(request, onResponse: writer.start, onData: writer.write)
            if response.isRedirect, let next = response.location {
                url = next
                continue
            }
            if response.status == 416 { return }  // nothing left to send: the size check decides
            try check(response, url: url)
            return
        }
        throw .httpStatus(url, status: 310)
    }

    /// Checks the size and the checksum of a finished download; a mismatch deletes it.
    private func verify(_ file: URL, metadata: FileMetadata, path: String) throws(HubDownloadError) {
        let size = Self.size(of: file)
        var failure: (expected: String, actual: String)?
        if size != metadata.size {
            failure = ("\(metadata.size) bytes", "\(size) bytes")
        } else if let expected = metadata.sha256 {
            let actual = try Self.digest(of: file, using: SHA256())
            if actual != expected { failure = ("SHA-256 \(expected)", "SHA-256 \(actual)") }
        } else if Self.isHex(metadata.etag, count: 40) {
            // A file stored in git is named by its git blob id, the SHA-1 of "blob <size>\0" and the contents.
            var sha1 = Insecure.SHA1()
            sha1.update(data: Data("blob \(size)\0".utf8))
            let actual = try Self.digest(of: file, using: sha1)
            if actual != metadata.etag.lowercased() { failure = ("git blob id \(metadata.etag)", "git blob id \(actual)") }
        }
        if let failure {
            try? FileManager.default.removeItem(at: file)
            throw .checksumMismatch(path, expected: failure.expected, actual: failure.actual)
        }
    }

    // MARK: - Cache layout

    /// Makes `file` (a path in a snapshot) a relative link to `blobs/<etag>`: `../../blobs/<etag>` for a file at the
    /// snapshot's top, one `../` more per folder below it.
    private func link(_ file: URL, to etag: String, depth: Int) throws(HubDownloadError) {
        try createDirectory(file.deletingLastPathComponent())
        let target = String(repeating: "../", count: depth + 1) + "blobs/" + etag
        do {
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: file.path)) != nil
                || FileManager.default.fileExists(atPath: file.path) {
                try FileManager.default.removeItem(at: file)
            }
            try FileManager.default.createSymbolicLink(atPath: file.path, withDestinationPath: target)
        } catch {
            throw .fileSystem(file, reason: error.localizedDescription)
        }
    }

    /// Writes the commit, without a newline, through a temporary file so readers never see half of it.
    private func writeRef(_ ref: URL, commit: String) throws(HubDownloadError) {
        try createDirectory(ref.deletingLastPathComponent())
        if (try? String(contentsOf: ref, encoding: .utf8)) == commit { return }
        do {
            try Data(commit.utf8).write(to: ref, options: .atomic)
        } catch {
            throw .fileSystem(ref, reason: error.localizedDescription)
        }
    }

    private func createDirectory(_ url: URL) throws(HubDownloadError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(url, reason: error.localizedDescription)
        }
    }

    private func truncate(_ file: URL) throws(HubDownloadError) {
        do {
            try Data().write(to: file)
        } catch {
            throw .fileSystem(file, reason: error.localizedDescription)
        }
    }

    // MARK: - HTTP

    private var client: HubHTTPClient {
        HubHTTPClient(timeout: timeout)
    }

    /// A request to `url`, with the token when `url` is on the endpoint's origin.
    private func request(_ url: URL, method: String) -> URLRequest {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("ldb/0.1", forHTTPHeaderField: "User-Agent")
        if let token = endpoint.token, endpoint.isSameOrigin(url) {
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        return request
    }

    /// Turns an error status into a `HubDownloadError`.
    private func check(_ response: HubHTTPResponse, id: HubRepositoryID? = nil, url: URL? = nil) throws(HubDownloadError) {
        let url = url ?? response.url
        switch response.status {
        case 200..<400:
            return
        case 401, 403:
            if let id { throw .unauthorized(id, url: url, status: response.status, tokenSent: endpoint.token != nil) }
        case 404:
            if let id { throw .notFound(id, url: url, errorCode: response["X-Error-Code"]) }
        default:
            break
        }
        throw .httpStatus(url, status: response.status)
    }

    // MARK: - Helpers

    /// Removes a weak validator's `W/` and the quotes (huggingface_hub's `_normalize_etag`).
    static func normalize(etag: String) -> String {
        var etag = Substring(etag.trimmingCharacters(in: .whitespaces))
        if etag.hasPrefix("W/") { etag = etag.dropFirst(2) }
        return etag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

    static func isHex(_ text: String, count: Int) -> Bool {
        text.utf8.count == count && text.allSatisfy(\.isHexDigit)
    }

    /// Whether `url` is a link (or file) that reaches an existing file.
    private static func linkReachesBlob(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.path)
    }

    private static func isFile(_ url: URL, ofSize size: Int64) -> Bool {
        FileManager.default.fileExists(atPath: url.path) && Self.size(of: url) == size
    }

    private static func size(of url: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// The hex digest of a file's contents, read a few MiB at a time.
    private static func digest<H: HashFunction>(of file: URL, using hasher: H) throws(HubDownloadError) -> String {
        var hasher = hasher
        do {
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
        } catch {
            throw .fileSystem(file, reason: error.localizedDescription)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    private static func validate(revision: String) throws(HubDownloadError) {
        let components = revision.split(separator: "/", omittingEmptySubsequences: false)
        guard components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw .invalidRevision(revision)
        }
    }
}

/// Writes the body of one `GET` to a blob's `.incomplete` file, called on the HTTP client's serial queue.
private final class BlobWriter: @unchecked Sendable {
    private let handle: FileHandle
    private let file: URL
    private let progress: @Sendable (Int64) -> Void
    private var offset: Int64
    private var accepting = false

    init(handle: FileHandle, file: URL, offset: Int64, progress: @escaping @Sendable (Int64) -> Void) {
        self.handle = handle
        self.file = file
        self.offset = offset
        self.progress = progress
    }

    /// Accepts the body of a `206` that starts where the file ends, or of a `200` (then from the start).
    func start(_ response: HubHTTPResponse) -> Bool {
        switch response.status {
        case 206:
            let start = response["Content-Range"].flatMap(Self.rangeStart)
            accepting = start == nil || start == offset
        case 200:
            accepting = (try? handle.truncate(atOffset: 0)) != nil
            offset = 0
        default:
            accepting = false
        }
        return accepting
    }

    func write(_ data: Data) throws {
        guard accepting else { return }
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw HubDownloadError.fileSystem(file, reason: error.localizedDescription)
        }
        offset += Int64(data.count)
        progress(offset)
    }

    /// The first byte of `bytes N-M/T`.
    private static func rangeStart(_ header: String) -> Int64? {
        guard header.hasPrefix("bytes ") else { return nil }
        return header.dropFirst(6).split(separator: "-").first.flatMap { Int64($0) }
    }
}
