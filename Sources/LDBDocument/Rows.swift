import Foundation
import GRDB

// The mapping between the value types and the rows of the schema (Schemas/0001_initial.sql).
// Unsigned seeds are stored as the Int64 with the same bit pattern.

/// A layer as the `layer` table holds it: the layer and its place in the stack.
struct StoredLayer: Codable, Equatable, Sendable {
    var layer: Layer
    /// Sort key of the stack, bottom first.
    var position: Double

    static let columns = """
        id, position, name, visible, prompt, negative_prompt, seed, regen_steps, strength, guidance, \
        opacity, feather, invert, mask_sha256
        """

    init(layer: Layer, position: Double) {
        self.layer = layer
        self.position = position
    }

    init(row: Row) throws {
        layer = Layer(
            id: try row.decode(forColumn: "id"),
            name: try row.decode(forColumn: "name"),
            visible: try row.decode(forColumn: "visible"),
            prompt: try row.decode(forColumn: "prompt"),
            negativePrompt: try row.decode(forColumn: "negative_prompt"),
            seed: UInt64(bitPattern: try row.decode(Int64.self, forColumn: "seed")),
            regenSteps: try row.decode(forColumn: "regen_steps"),
            strength: try row.decode(forColumn: "strength"),
            guidance: try row.decode(forColumn: "guidance"),
            opacity: try row.decode(forColumn: "opacity"),
            feather: try row.decode(forColumn: "feather"),
            invert: try row.decode(forColumn: "invert"),
            maskSHA256: try row.decode(forColumn: "mask_sha256"))
        position = try row.decode(forColumn: "position")
    }

    /// All layers at HEAD, bottom first.
    static func fetchAll(_ db: Database) throws -> [StoredLayer] {
        try Row.fetchAll(db, sql: "SELECT \(columns) FROM layer ORDER BY position, id").map(StoredLayer.init(row:))
    }

    /// Inserts the row; an id of 0 lets SQLite assign a fresh one, which is returned.
    @discardableResult
    func insert(_ db: Database) throws -> Int64 {
        let layer = self.layer
        let arguments: StatementArguments = [
            layer.id == 0 ? nil : layer.id, position, layer.name, layer.visible, layer.prompt,
            layer.negativePrompt, Int64(bitPattern: layer.seed), layer.regenSteps, layer.strength, layer.guidance,
            layer.opacity, layer.feather, layer.invert, layer.maskSHA256,
        ]
        try db.execute(
            sql: "INSERT INTO layer (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: arguments)
        return db.lastInsertedRowID
    }
}

extension ProjectSettings {
    static func fetch(_ db: Database) throws -> ProjectSettings? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM settings WHERE id = 1") else { return nil }
        let seed: Int64? = try row.decode(forColumn: "seed")
        return ProjectSettings(
            width: try row.decode(forColumn: "width"),
            height: try row.decode(forColumn: "height"),
            steps: try row.decode(forColumn: "steps"),
            blendSteps: try row.decode(forColumn: "blend_steps"),
            prompt: try row.decode(forColumn: "prompt"),
            negativePrompt: try row.decode(forColumn: "negative_prompt"),
            guidance: try row.decode(forColumn: "guidance"),
            seed: seed.map { UInt64(bitPattern: $0) },
            sourceImageSHA256: try row.decode(forColumn: "source_image_sha256"),
            keepBackground: try row.decode(forColumn: "keep_background"),
            region: try RegionMode(rawValue: row.decode(String.self, forColumn: "region")) ?? .full,
            regionMargin: try row.decode(forColumn: "region_margin"))
    }

    /// Writes the single settings row.
    func save(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO settings (id, width, height, steps, blend_steps, prompt, negative_prompt,
                    guidance, seed, source_image_sha256, keep_background, region, region_margin)
                VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                width, height, steps, blendSteps, prompt, negativePrompt, guidance,
                seed.map { Int64(bitPattern: $0) }, sourceImageSHA256, keepBackground, region.rawValue, regionMargin,
            ])
    }
}

extension ModelReference {
    static func fetch(_ db: Database) throws -> ModelReference? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT location, fingerprint, prediction_type FROM model WHERE id = 1") else { return nil }
        return ModelReference(
            location: try row.decode(forColumn: "location"), fingerprint: try row.decode(forColumn: "fingerprint"),
            predictionType: try row.decode(forColumn: "prediction_type"))
    }

    func save(_ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO model (id, location, fingerprint, prediction_type) VALUES (1, ?, ?, ?)",
            arguments: [location, fingerprint, predictionType])
    }
}

/// A `revision` row without its delta: what history listings need.
struct RevisionNode: Sendable {
    var id: Int64
    var parent: Int64?
    var depth: Int
    var lastChild: Int64?

    /// The node with `id`, read through the primary key.
    static func fetch(_ db: Database, id: Int64) throws -> RevisionNode? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT id, parent, depth, last_child FROM revision WHERE id = ?", arguments: [id])
        else { return nil }
        return RevisionNode(
            id: try row.decode(forColumn: "id"),
            parent: try row.decode(forColumn: "parent"),
            depth: try row.decode(forColumn: "depth"),
            lastChild: try row.decode(forColumn: "last_child"))
    }
}

extension Revision {
    static let columns = "id, parent, created_at, description"

    init(row: Row, tags: [String]) throws {
        self.init(
            id: try row.decode(forColumn: "id"),
            parent: try row.decode(forColumn: "parent"),
            description: try row.decode(forColumn: "description"),
            createdAt: Date(timeIntervalSince1970: try row.decode(forColumn: "created_at")),
            tags: tags)
    }

    /// The revision with `id` and its tags, read through primary keys and the `ref` index.
    static func fetch(_ db: Database, id: Int64) throws -> Revision? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT \(columns) FROM revision WHERE id = ?", arguments: [id])
        else { return nil }
        let tags = try String.fetchAll(
            db, sql: "SELECT name FROM ref WHERE revision = ? AND name <> 'HEAD' ORDER BY name", arguments: [id])
        return try Revision(row: row, tags: tags)
    }
}
