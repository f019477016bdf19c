import Crypto
import Foundation

/// The model a project was made with: referenced, never embedded.
public struct ModelReference: Codable, Equatable, Sendable {
    /// Path or hub id as the user gave it (paths stored absolute).
    public var location: String
    /// Hex SHA-256 from `fingerprint(of:)`.
    public var fingerprint: String
    /// What the UNet predicts (`epsilon`, `v_prediction`, `sample`) when the model's files cannot tell
    /// (a single-file SD 2.x checkpoint without metadata); nil when they can.
    public var predictionType: String?

    public init(location: String, fingerprint: String, predictionType: String? = nil) {
        self.location = location
        self.fingerprint = fingerprint
        self.predictionType = predictionType
    }

    /// Largest safetensors JSON header the fingerprint accepts; real headers are well under a megabyte.
    static let maximumSafetensorsHeader: UInt64 = 100 << 20

    /// Files up to this size are hashed on every fingerprint; larger ones go through the `ContentHashCache`.
    static let smallFileSize: UInt64 = 1 << 20

    /// Fingerprint of a model folder or single file: the relative paths, sizes and SHA-256 contents of all its
    /// files, so that any changed byte of any file changes it.
    ///
    /// Hashing gigabytes on every open is avoided: a file in the Hugging Face cache is a link to
    /// `blobs/<hash>`, whose name is its content hash (SHA-256 for weights) and is used as is; the hashes of
    /// other large files are remembered in `cache`, keyed by path, inode, size and times, so a file is read
    /// again only when it changed. Hidden files (names starting with ".") are skipped; links are followed.
    /// Safetensors headers are checked to fit in their files.
    /// - Throws: `DocumentError.fileNotFound` when the path does not exist, `.corrupt` for a safetensors file
    ///   whose header length does not fit in the file, `.storage` when a file cannot be read.
    public static func fingerprint(of url: URL, cache: ContentHashCache = .user) throws -> String {
        let root = url.standardizedFileURL.resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw DocumentError.fileNotFound(url.path)
        }
        let files: [(relativePath: String, url: URL)]
        if isDirectory.boolValue {
            files = try regularFiles(under: root)
        } else {
            // A single file is identified by its contents, not its name.
            files = [("", root)]
        }
        var sizes: [UInt64] = []
        var uncached: [URL] = []
        for file in files {
            let size = try fileSize(file.url)
            sizes.append(size)
            if file.url.pathExtension.lowercased() == "safetensors" {
                _ = try safetensorsHeader(of: file.url, fileSize: size)
            }
            if size > smallFileSize, hubBlobHash(file.url) == nil, !uncached.contains(file.url) {
                uncached.append(file.url)
            }
        }
        let remembered = Dictionary(uniqueKeysWithValues: zip(uncached, try cache.hashes(of: uncached)))
        var hasher = SHA256()
        for (file, size) in zip(files, sizes) {
            let contentHash: String
            if let blob = hubBlobHash(file.url) {
                contentHash = blob
            } else if let known = remembered[file.url] {
                contentHash = known
            } else {
                contentHash = BlobCodec.hex(SHA256.hash(data: try read(file.url)))
            }
            hasher.update(data: Data("\(file.relativePath)\u{0}\(size)\u{0}\(contentHash)\n".utf8))
        }
        return BlobCodec.hex(hasher.finalize())
    }

    /// The content hash a Hugging Face cache blob is named by (SHA-256 for weights, git's SHA-1 for small
    /// files), for a file at `.../blobs/<hash>`; nil for any other file.
    static func hubBlobHash(_ url: URL) -> String? {
        let name = url.lastPathComponent
        guard url.deletingLastPathComponent().lastPathComponent == "blobs", name.count == 64 || name.count == 40,
              name.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        return name
    }

    private static func regularFiles(under root: URL) throws -> [(relativePath: String, url: URL)] {
        guard let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { throw DocumentError.storage(root.path, "cannot list the model folder") }
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        var files: [(relativePath: String, url: URL)] = []
        for case let url as URL in enumerator {
            // Follow links (Hugging Face snapshots are folders of links to blobs).
            let resolved = url.resolvingSymlinksInPath()
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: resolved.path, isDirectory: &isDirectory),
                  !isDirectory.boolValue
            else { continue }
            let path = url.path
            let relative = path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : url.lastPathComponent
            files.append((relative, resolved))
        }
        return files.sorted { $0.relativePath < $1.relativePath }
    }

    private static func fileSize(_ url: URL) throws -> UInt64 {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            return (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        } catch {
            throw DocumentError.storage(url.path, "cannot read file size: \(error.localizedDescription)")
        }
    }

    private static func read(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw DocumentError.storage(url.path, "cannot read file: \(error.localizedDescription)")
        }
    }

    /// The 8-byte little-endian header length followed by the JSON header.
    private static func safetensorsHeader(of url: URL, fileSize: UInt64) throws -> Data {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw DocumentError.storage(url.path, "cannot open file: \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        do {
            guard let lengthBytes = try handle.read(upToCount: 8), lengthBytes.count == 8 else {
                throw DocumentError.corrupt(url.path, "safetensors file is shorter than its 8-byte header length")
            }
            let length = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard length <= maximumSafetensorsHeader, length <= fileSize - 8 else {
                throw DocumentError.corrupt(
                    url.path, "safetensors header length \(length) does not fit in the file (\(fileSize) bytes)")
            }
            let header = try handle.read(upToCount: Int(length)) ?? Data()
            guard header.count == Int(length) else {
                throw DocumentError.corrupt(url.path, "safetensors header is truncated")
            }
            return lengthBytes + header
        } catch let error as DocumentError {
            throw error
        } catch {
            throw DocumentError.storage(url.path, "cannot read file: \(error.localizedDescription)")
        }
    }
}
