import Foundation
import GRDB

/// The engine's caches. Entries live outside the journal: storing or dropping one appends no revision, and
/// every cache may be emptied at any time without changing what the project means.
public enum CacheKind: String, CaseIterable, Sendable {
    /// The base trajectory Z[0...N].
    case baseTrajectory
    /// One layer's result R_k.
    case layerResult
    /// A final image per composite.
    case render

    var table: String {
        switch self {
        case .baseTrajectory: "cache_base_trajectory"
        case .layerResult: "cache_layer_result"
        case .render: "cache_render"
        }
    }
}

extension Project {
    /// The name a blob of `data` has in every project: its SHA-256 in lowercase hex. A layer of a state that is
    /// not committed refers to its mask by this name (see `Engine.render(state:masks:)`).
    public static func blobSHA256(_ data: Data) -> String {
        BlobCodec.sha256Hex(data)
    }

    /// The bytes cached under `key`, or nil; a hit marks the entry as just used.
    public func cachedData(_ kind: CacheKind, key: String) throws -> Data? {
        let path = url.path
        return try write { db -> Data? in
            guard let sha256 = try String.fetchOne(
                db, sql: "SELECT blob_sha256 FROM \(kind.table) WHERE key = ?", arguments: [key])
            else { return nil }
            try db.execute(
                sql: "UPDATE \(kind.table) SET last_used = ? WHERE key = ?",
                arguments: [Date().timeIntervalSince1970, key])
            return try BlobStore.get(sha256, db, path: path)
        }
    }

    /// Caches `data` under `key`, replacing an earlier entry.
    public func storeCache(_ kind: CacheKind, key: String, data: Data) throws {
        try write { db in
            let sha256 = try BlobStore.put(data, role: .cache, db)
            try db.execute(
                sql: "INSERT OR REPLACE INTO \(kind.table) (key, blob_sha256, byte_size, last_used) VALUES (?, ?, ?, ?)",
                arguments: [key, sha256, data.count, Date().timeIntervalSince1970])
            try Self.deleteUnusedCacheBlobs(db)
        }
    }

    /// Drops the entry cached under `key`, if any.
    public func dropCache(_ kind: CacheKind, key: String) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM \(kind.table) WHERE key = ?", arguments: [key])
            try Self.deleteUnusedCacheBlobs(db)
        }
    }

    /// Total size in bytes (uncompressed) of all cache entries.
    public func cacheByteCount() throws -> Int {
        try read { db in
            try CacheKind.allCases.reduce(0) { total, kind in
                total + (try Int.fetchOne(db, sql: "SELECT TOTAL(byte_size) FROM \(kind.table)") ?? 0)
            }
        }
    }

    /// Drops least recently used entries, of any kind, until the caches hold at most `byteLimit` bytes.
    public func trimCaches(toBytes byteLimit: Int) throws {
        try write { db in
            let union = CacheKind.allCases.map {
                "SELECT '\($0.table)' AS source, key, byte_size, last_used FROM \($0.table)"
            }.joined(separator: " UNION ALL ")
            var total = 0
            var evicted: [(table: String, key: String)] = []
            for row in try Row.fetchAll(db, sql: "SELECT * FROM (\(union)) ORDER BY last_used DESC") {
                total += try row.decode(Int.self, forColumn: "byte_size")
                if total > byteLimit {
                    evicted.append((try row.decode(forColumn: "source"), try row.decode(forColumn: "key")))
                }
            }
            for entry in evicted {
                try db.execute(sql: "DELETE FROM \(entry.table) WHERE key = ?", arguments: [entry.key])
            }
            try Self.deleteUnusedCacheBlobs(db)
        }
    }

    /// Empties every cache and deletes the blobs only caches used.
    public func clearCaches() throws {
        try write { db in
            for kind in CacheKind.allCases {
                try db.execute(sql: "DELETE FROM \(kind.table)")
            }
            try Self.deleteUnusedCacheBlobs(db)
        }
    }

    /// Rewrites the file without its free pages (SQLite VACUUM), in one transaction.
    public func compact() throws {
        do {
            try database.writeWithoutTransaction { db in try db.execute(sql: "VACUUM") }
        } catch {
            throw Self.map(error, path: url.path)
        }
    }

    private static func deleteUnusedCacheBlobs(_ db: Database) throws {
        let used = CacheKind.allCases.map { "SELECT blob_sha256 FROM \($0.table)" }.joined(separator: " UNION ")
        try db.execute(sql: "DELETE FROM blob WHERE role = 'cache' AND sha256 NOT IN (\(used))")
    }
}
