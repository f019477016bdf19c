import Crypto
import Foundation

extension ModelReference {
    /// The fingerprint ldb recorded before fingerprints covered the weights' bytes: relative paths and sizes of
    /// all files, safetensors headers, and the bytes of .json/.txt files. Kept only to recognise projects made
    /// then (see `Project.upgradeLegacyModelFingerprint(modelAt:cache:)`).
    static func legacyFingerprint(of url: URL) throws -> String {
        let root = url.standardizedFileURL.resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw DocumentError.fileNotFound(url.path)
        }
        let files = isDirectory.boolValue ? try regularFiles(under: root) : [("", root)]
        var hasher = SHA256()
        for file in files {
            let size = try fileSize(file.url)
            hasher.update(data: Data("\(file.relativePath)\u{0}\(size)\n".utf8))
            switch file.url.pathExtension.lowercased() {
            case "safetensors": hasher.update(data: try safetensorsHeader(of: file.url, fileSize: size))
            case "json", "txt": hasher.update(data: try read(file.url))
            default: break
            }
        }
        return BlobCodec.hex(hasher.finalize())
    }
}

extension ModelReference {
    /// Whether `recorded` is the legacy fingerprint of the files at `url` as they are now.
    public static func matchesLegacyFingerprint(_ recorded: String, of url: URL) -> Bool {
        (try? legacyFingerprint(of: url)) == recorded
    }
}

extension Project {
    /// Re-records the model's fingerprint in today's form when the project recorded it in the legacy form and
    /// the model's files still match that record, so that a project made before fingerprints covered the weights
    /// does not report a changed model on every render. Cache entries keyed by the old fingerprint are simply
    /// missed once. Writes no revision: the model record is not part of the history.
    /// - Parameter url: the model's folder or file, as resolved from the recorded location.
    /// - Returns: whether the record was upgraded.
    @discardableResult
    public func upgradeLegacyModelFingerprint(modelAt url: URL, cache: ContentHashCache = .user) throws -> Bool {
        let recorded = try model()
        let current = try ModelReference.fingerprint(of: url, cache: cache)
        guard recorded.fingerprint != current,
              ModelReference.matchesLegacyFingerprint(recorded.fingerprint, of: url)
        else { return false }
        var upgraded = recorded
        upgraded.fingerprint = current
        try write { db in
            // Only when no other process changed the record in the meantime.
            guard try ModelReference.fetch(db) == recorded else { return }
            try upgraded.save(db)
        }
        return true
    }
}
