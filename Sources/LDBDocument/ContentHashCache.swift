#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import Foundation

/// SHA-256 hashes of files' contents, remembered by path, device, inode, size, modification and status-change
/// times, so that a model's gigabytes are hashed once per version of each file rather than on every open.
///
/// The change time (ctime) is set by the kernel on every write and cannot be set back by a user, so restoring a
/// file's modification time after editing it does not make a stale entry match. The cache is a small JSON file;
/// one that cannot be read or parsed counts as empty and is rewritten, and one that cannot be written is skipped
/// (the hashes are then computed again next time): it only ever saves time.
public struct ContentHashCache: Sendable {
    /// The cache file.
    public let file: URL

    public init(file: URL) {
        self.file = file
    }

    /// The user's cache: `$XDG_CACHE_HOME/ldb/content-hashes.json`, or `~/.cache/ldb/content-hashes.json`.
    public static var user: ContentHashCache {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache", isDirectory: true)
        return ContentHashCache(file: base.appendingPathComponent("ldb/content-hashes.json"))
    }

    /// What identifies one version of a file.
    struct FileVersion: Codable, Equatable {
        var device: UInt64, inode: UInt64, size: UInt64
        var modified: Int64, modifiedNanoseconds: Int64
        var changed: Int64, changedNanoseconds: Int64
    }

    struct Entry: Codable {
        var version: FileVersion
        var sha256: String
    }

    struct Contents: Codable {
        var format = 1
        var entries: [String: Entry] = [:]
    }

    /// Hex SHA-256 of the files' contents, in order, using and then updating the cache.
    /// - Throws: `DocumentError.storage` naming a file that cannot be read.
    func hashes(of urls: [URL]) throws -> [String] {
        var contents = load()
        var changed = false
        var result: [String] = []
        for url in urls {
            let path = url.path
            let version = try Self.version(of: path)
            if let entry = contents.entries[path], entry.version == version {
                result.append(entry.sha256)
                continue
            }
            let sha256 = try Self.sha256(of: url)
            contents.entries[path] = Entry(version: version, sha256: sha256)
            changed = true
            result.append(sha256)
        }
        if changed { save(contents) }
        return result
    }

    private func load() -> Contents {
        guard let data = try? Data(contentsOf: file),
              let contents = try? JSONDecoder().decode(Contents.self, from: data), contents.format == 1
        else { return Contents() }
        // Forget files that are gone, so the cache does not grow without bound.
        var kept = contents
        kept.entries = contents.entries.filter { FileManager.default.fileExists(atPath: $0.key) }
        return kept
    }

    /// Writes the cache to a temporary file in its folder and renames it into place, so a reader never sees
    /// half a file.
    private func save(_ contents: Contents) {
        let folder = file.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".content-hashes-\(UUID().uuidString).tmp")
        guard let data = try? JSONEncoder().encode(contents), (try? data.write(to: temporary)) != nil else { return }
        if rename(temporary.path, file.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
    }

    static func version(of path: String) throws -> FileVersion {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DocumentError.storage(path, "cannot read file status: \(String(cString: strerror(errno)))")
        }
        #if canImport(Darwin)
        let (modified, changed) = (info.st_mtimespec, info.st_ctimespec)
        #else
        let (modified, changed) = (info.st_mtim, info.st_ctim)
        #endif
        return FileVersion(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: UInt64(info.st_size),
                           modified: Int64(modified.tv_sec), modifiedNanoseconds: Int64(modified.tv_nsec),
                           changed: Int64(changed.tv_sec), changedNanoseconds: Int64(changed.tv_nsec))
    }

    /// Hex SHA-256 of a file's bytes, read in chunks of 4 MiB.
    static func sha256(of url: URL) throws -> String {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw DocumentError.storage(url.path, "cannot open file: \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
        } catch {
            throw DocumentError.storage(url.path, "cannot read file: \(error.localizedDescription)")
        }
        return BlobCodec.hex(hasher.finalize())
    }
}
