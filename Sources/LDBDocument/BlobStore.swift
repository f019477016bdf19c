import Foundation
import GRDB

/// The content-addressed `blob` table: each distinct byte string is stored once, under the SHA-256 of its
/// uncompressed bytes, zlib-compressed when that makes it smaller.
enum BlobStore {
    enum Role: String {
        /// Referenced by the project (source image, masks); kept as long as the history may need it.
        case content
        /// Referenced only by caches; may be deleted with them.
        case cache
    }

    /// Stores `data` unless already present and returns its hash. Storing content bytes that were so far
    /// only cached promotes them to content.
    static func put(_ data: Data, role: Role = .content, _ db: Database) throws -> String {
        let sha256 = BlobCodec.sha256Hex(data)
        if let existing = try String.fetchOne(db, sql: "SELECT role FROM blob WHERE sha256 = ?", arguments: [sha256]) {
            if existing == Role.cache.rawValue, role == .content {
                try db.execute(sql: "UPDATE blob SET role = 'content' WHERE sha256 = ?", arguments: [sha256])
            }
            return sha256
        }
        let (compression, payload) = BlobCodec.encode(data)
        try db.execute(
            sql: "INSERT INTO blob (sha256, size, compression, role, data) VALUES (?, ?, ?, ?, ?)",
            arguments: [sha256, data.count, compression.rawValue, role.rawValue, payload])
        return sha256
    }

    /// The bytes stored under `sha256`, checked against the hash.
    static func get(_ sha256: String, _ db: Database, path: String) throws -> Data {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT size, compression, data FROM blob WHERE sha256 = ?", arguments: [sha256])
        else { throw DocumentError.blobNotFound(sha256) }
        let size: Int = try row.decode(forColumn: "size")
        let compressionName: String = try row.decode(forColumn: "compression")
        let payload: Data = try row.decode(forColumn: "data")
        guard let compression = BlobCodec.Compression(rawValue: compressionName),
              let data = BlobCodec.decode(payload, compression: compression, size: size)
        else { throw DocumentError.corrupt(path, "blob \(sha256) cannot be decompressed") }
        guard BlobCodec.sha256Hex(data) == sha256 else {
            throw DocumentError.corrupt(path, "blob \(sha256) does not match its hash")
        }
        return data
    }

    /// The uncompressed size of the blob, without reading it; nil when it is not stored.
    static func size(of sha256: String, _ db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT size FROM blob WHERE sha256 = ?", arguments: [sha256])
    }
}

extension BlobStore {
    /// Marks a blob the project now refers to as content, so dropping caches keeps it.
    static func markAsContent(_ sha256: String, _ db: Database) throws {
        try db.execute(sql: "UPDATE blob SET role = 'content' WHERE sha256 = ? AND role = 'cache'", arguments: [sha256])
    }
}
