import Foundation
import GRDB

extension Project {
    /// The format version stored in the file (`PRAGMA user_version`).
    public func formatVersionOnDisk() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
    }

    /// The model the project refers to.
    public func model() throws -> ModelReference {
        try read { db in
            guard let model = try ModelReference.fetch(db) else {
                throw DocumentError.corrupt(url.path, "the model row is missing")
            }
            return model
        }
    }

    /// The settings and layers at HEAD, read from the materialised tables (no history is read).
    public func state() throws -> ProjectState {
        try read { db in try Self.readState(db, path: url.path) }
    }

    /// The revision HEAD points at.
    public func head() throws -> Revision {
        try read { db in try Self.revision(Self.headID(db, path: url.path), db, path: url.path) }
    }

    /// The revision named by `revisionOrTag`: "HEAD", a decimal revision id, or a tag.
    public func revision(_ revisionOrTag: String) throws -> Revision {
        try read { db in try Self.revision(Self.resolve(revisionOrTag, db, path: url.path), db, path: url.path) }
    }

    /// The layer at HEAD with the stable id (decimal) or the unique name `reference`.
    public func layer(_ reference: String) throws -> Layer {
        try read { db in
            let row: Row?
            if let id = Int64(reference) {
                row = try Row.fetchOne(
                    db, sql: "SELECT \(StoredLayer.columns) FROM layer WHERE id = ?", arguments: [id])
            } else {
                row = try Row.fetchOne(
                    db, sql: "SELECT \(StoredLayer.columns) FROM layer WHERE name = ?", arguments: [reference])
            }
            guard let row else { throw DocumentError.layerNotFound(reference) }
            return try StoredLayer(row: row).layer
        }
    }

    /// Every revision of the journal, oldest first, with its tags. Reads the whole history.
    public func revisions() throws -> [Revision] {
        try read { db in
            var tags: [Int64: [String]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT name, revision FROM ref WHERE name <> 'HEAD' ORDER BY name")
            {
                tags[try row.decode(forColumn: "revision"), default: []].append(try row.decode(forColumn: "name"))
            }
            return try Row.fetchAll(db, sql: "SELECT \(Revision.columns) FROM revision ORDER BY id").map { row in
                try Revision(row: row, tags: tags[try row.decode(Int64.self, forColumn: "id")] ?? [])
            }
        }
    }

    /// Stores `data` once under its SHA-256 (hex, of the uncompressed bytes) and returns that hash.
    /// An unreferenced blob is harmless; to store a blob only if a commit succeeds, use the `ChangeContext`
    /// that `commit` hands to its closure.
    @discardableResult
    public func putBlob(_ data: Data) throws -> String {
        try write { db in try BlobStore.put(data, db) }
    }

    /// The bytes stored under `sha256`.
    /// - Throws: `.blobNotFound`, or `.corrupt` when the stored bytes do not match the hash.
    public func blob(_ sha256: String) throws -> Data {
        try read { db in try BlobStore.get(sha256, db, path: url.path) }
    }

    // MARK: Shared queries

    static func readState(_ db: Database, path: String) throws -> ProjectState {
        let (settings, layers) = try readStoredState(db, path: path)
        return ProjectState(settings: settings, layers: layers.map(\.layer))
    }

    static func readStoredState(_ db: Database, path: String) throws -> (ProjectSettings, [StoredLayer]) {
        guard let settings = try ProjectSettings.fetch(db) else {
            throw DocumentError.corrupt(path, "the settings row is missing")
        }
        return (settings, try StoredLayer.fetchAll(db))
    }

    static func headID(_ db: Database, path: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT revision FROM ref WHERE name = 'HEAD'") else {
            throw DocumentError.corrupt(path, "HEAD is missing")
        }
        return id
    }

    /// The HEAD revision id, checked to be `expected` when that is given.
    /// - Throws: `.staleHead` when HEAD has moved on from `expected`.
    static func headID(_ db: Database, path: String, expected: Int64?) throws -> Int64 {
        let head = try headID(db, path: path)
        if let expected, expected != head { throw DocumentError.staleHead(expected: expected, found: head) }
        return head
    }

    static func setHead(_ id: Int64, _ db: Database) throws {
        try db.execute(sql: "UPDATE ref SET revision = ? WHERE name = 'HEAD'", arguments: [id])
    }

    /// The id of the revision named by "HEAD", a decimal id, or a tag.
    static func resolve(_ revisionOrTag: String, _ db: Database, path: String) throws -> Int64 {
        if revisionOrTag == "HEAD" { return try headID(db, path: path) }
        if let id = Int64(revisionOrTag) {
            guard try RevisionNode.fetch(db, id: id) != nil else { throw DocumentError.revisionNotFound(revisionOrTag) }
            return id
        }
        guard let id = try Int64.fetchOne(
            db, sql: "SELECT revision FROM ref WHERE name = ? AND name <> 'HEAD'", arguments: [revisionOrTag])
        else { throw DocumentError.revisionNotFound(revisionOrTag) }
        return id
    }

    static func revision(_ id: Int64, _ db: Database, path: String) throws -> Revision {
        guard let revision = try Revision.fetch(db, id: id) else {
            throw DocumentError.corrupt(path, "revision \(id) is missing")
        }
        return revision
    }

    static func node(_ id: Int64, _ db: Database, path: String) throws -> RevisionNode {
        guard let node = try RevisionNode.fetch(db, id: id) else {
            throw DocumentError.corrupt(path, "revision \(id) is missing")
        }
        return node
    }
}
