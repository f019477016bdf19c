import Foundation
import GRDB

/// What one revision changed: the before and after images of the settings and of each changed layer row.
/// Undo applies the before images, redo the after images; neither needs any other revision.
struct RevisionDelta: Codable, Equatable, Sendable {
    struct SettingsChange: Codable, Equatable, Sendable {
        var before: ProjectSettings
        var after: ProjectSettings
    }

    /// One layer row; `before` is nil for an added layer, `after` for a removed one.
    struct LayerChange: Codable, Equatable, Sendable {
        var id: Int64
        var before: StoredLayer?
        var after: StoredLayer?
    }

    enum Direction {
        /// From the parent's state to the revision's (redo).
        case forward
        /// From the revision's state back to the parent's (undo).
        case backward
    }

    var settings: SettingsChange?
    var layers: [LayerChange] = []

    var isEmpty: Bool { settings == nil && layers.isEmpty }

    /// Rewrites the materialised HEAD tables (`settings`, `layer`) across this revision.
    func apply(_ db: Database, _ direction: Direction) throws {
        if let settings {
            try (direction == .forward ? settings.after : settings.before).save(db)
        }
        // Delete every changed row first, then insert the targets, so that a revision which swaps
        // two names never trips the UNIQUE constraint half-way.
        for change in layers {
            try db.execute(sql: "DELETE FROM layer WHERE id = ?", arguments: [change.id])
        }
        for change in layers {
            try (direction == .forward ? change.after : change.before)?.insert(db)
        }
    }

    /// Marks a zlib-compressed record: the byte, the JSON's length as a little-endian UInt32, the payload.
    /// A plain record is the JSON itself and starts with "{".
    private static let compressedMarker: UInt8 = 0x01

    /// The stored record: the JSON, compressed when that is smaller (a layer's before and after rows repeat
    /// most of their text, so long prompts compress well).
    func encoded() throws -> Data {
        let json = try JSONEncoder().encode(self)
        let (compression, payload) = BlobCodec.encode(json)
        guard compression == .zlib, payload.count + 5 < json.count, json.count <= Int(UInt32.max) else { return json }
        var record = Data([Self.compressedMarker])
        withUnsafeBytes(of: UInt32(json.count).littleEndian) { record.append(contentsOf: $0) }
        return record + payload
    }

    static func decode(_ data: Data, revision: Int64, path: String) throws -> RevisionDelta {
        var json = data
        if data.first == compressedMarker {
            let size = data.dropFirst().prefix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
            guard data.count > 5, let inflated = BlobCodec.decode(data.dropFirst(5), compression: .zlib, size: size)
            else { throw DocumentError.corrupt(path, "revision \(revision) has a damaged change record") }
            json = inflated
        }
        do {
            return try JSONDecoder().decode(RevisionDelta.self, from: json)
        } catch {
            throw DocumentError.corrupt(path, "revision \(revision) has an unreadable change record: \(error)")
        }
    }

    /// The delta of revision `id`, read through the primary key.
    static func fetch(_ db: Database, revision id: Int64, path: String) throws -> RevisionDelta {
        guard let data = try Data.fetchOne(db, sql: "SELECT delta FROM revision WHERE id = ?", arguments: [id]) else {
            throw DocumentError.corrupt(path, "revision \(id) is missing")
        }
        return try decode(data, revision: id, path: path)
    }
}
