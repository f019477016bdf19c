import Foundation
import GRDB

extension Project {
    /// Runs `change` on the HEAD state inside one IMMEDIATE transaction, validates the result and, if it
    /// differs, appends one revision described by `description` and moves HEAD to it.
    ///
    /// New layers are given with `id = 0` and receive their id here; other ids must name layers at HEAD.
    /// Nothing is written when `change` throws, the new state is invalid, or nothing changed.
    /// - Returns: the new revision, or nil when the state did not change.
    /// - Throws: what `change` throws; `.invalidParameter`, `.duplicateLayerName`, `.blobNotFound`,
    ///   `.maskByteCountMismatch` for an invalid state; `.locked` when another process holds the file.
    @discardableResult
    public func commit(_ description: String, _ change: (inout ProjectState) throws -> Void) throws -> Revision? {
        try commit(description) { state, _ in try change(&state) }
    }

    /// Like `commit(_:_:)`, with a `ChangeContext` for storing blobs (masks) in the same transaction.
    @discardableResult
    public func commit(
        _ description: String, _ change: (inout ProjectState, ChangeContext) throws -> Void
    ) throws -> Revision? {
        try commit { state, context in
            try change(&state, context)
            return description
        }
    }

    /// Like `commit(_:_:)`, where `change` returns the revision's description, so that it can name what it
    /// found in the state inside the transaction.
    @discardableResult
    public func commit(_ change: (inout ProjectState) throws -> String) throws -> Revision? {
        try commit { state, _ in try change(&state) }
    }

    /// Like `commit(_:)`, with a `ChangeContext` for storing blobs (masks) in the same transaction.
    @discardableResult
    public func commit(_ change: (inout ProjectState, ChangeContext) throws -> String) throws -> Revision? {
        let path = url.path
        return try write(commits: { $0 != nil }) { db -> Revision? in
            let head = try Self.node(Self.headID(db, path: path), db, path: path)
            let (settings, storedLayers) = try Self.readStoredState(db, path: path)
            let before = ProjectState(settings: settings, layers: storedLayers.map(\.layer))
            var after = before
            let description = try change(&after, ChangeContext(db: db, path: path, head: head.id))
            guard after != before else { return nil }
            try after.validate()
            try Self.checkReferences(of: after, comparedTo: before, db)
            let delta = try Self.write(after, over: storedLayers, settings: settings, db)
            // Built from the stored number so that the returned revision equals the one read back later.
            let timestamp = Date().timeIntervalSince1970
            let createdAt = Date(timeIntervalSince1970: timestamp)
            try db.execute(
                sql: """
                    INSERT INTO revision (parent, depth, created_at, description, delta) VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [head.id, head.depth + 1, timestamp, description, delta.encoded()])
            let id = db.lastInsertedRowID
            try db.execute(sql: "UPDATE revision SET last_child = ? WHERE id = ?", arguments: [id, head.id])
            try Self.setHead(id, db)
            return Revision(id: id, parent: head.id, description: description, createdAt: createdAt, tags: [])
        }
    }

    /// Moves HEAD up to `count` revisions towards the root, restoring each parent's state.
    /// Stops at the root. Each step reads one revision row.
    /// - Parameter expectedHead: when given, the revision HEAD must be at (checked inside the transaction).
    /// - Returns: the new HEAD.
    /// - Throws: `.nothingToUndo` when HEAD is the root; `.staleHead` when HEAD is not `expectedHead`.
    public func undo(_ count: Int = 1, ifHeadIs expectedHead: Int64? = nil) throws -> Revision {
        guard count >= 1 else { throw DocumentError.invalidParameter("undo count \(count) must be at least 1") }
        let path = url.path
        return try write { db in
            var current = try Self.node(Self.headID(db, path: path, expected: expectedHead), db, path: path)
            guard current.parent != nil else { throw DocumentError.nothingToUndo }
            for _ in 0..<count {
                guard let parent = current.parent else { break }
                current = try Self.step(from: current, upTo: parent, db, path: path)
            }
            try Self.setHead(current.id, db)
            return try Self.revision(current.id, db, path: path)
        }
    }

    /// Moves HEAD up to `count` revisions down the tree, each time to the child visited last.
    /// Stops at a revision without children.
    /// - Parameter expectedHead: when given, the revision HEAD must be at (checked inside the transaction).
    /// - Returns: the new HEAD.
    /// - Throws: `.nothingToRedo` when HEAD has no child; `.staleHead` when HEAD is not `expectedHead`.
    public func redo(_ count: Int = 1, ifHeadIs expectedHead: Int64? = nil) throws -> Revision {
        guard count >= 1 else { throw DocumentError.invalidParameter("redo count \(count) must be at least 1") }
        let path = url.path
        return try write { db in
            var current = try Self.node(Self.headID(db, path: path, expected: expectedHead), db, path: path)
            guard current.lastChild != nil else { throw DocumentError.nothingToRedo }
            for _ in 0..<count {
                guard let childID = current.lastChild else { break }
                current = try Self.step(down: Self.node(childID, db, path: path), db, path: path)
            }
            try Self.setHead(current.id, db)
            return try Self.revision(current.id, db, path: path)
        }
    }

    /// Moves HEAD to any revision ("HEAD", a decimal id, or a tag), undoing up to the lowest common ancestor
    /// and redoing down to the target. Redo from the ancestors on the way then leads back to the target.
    /// - Parameter expectedHead: when given, the revision HEAD must be at (checked inside the transaction).
    /// - Returns: the new HEAD.
    /// - Throws: `.revisionNotFound`; `.staleHead` when HEAD is not `expectedHead`.
    public func checkout(_ revisionOrTag: String, ifHeadIs expectedHead: Int64? = nil) throws -> Revision {
        let path = url.path
        return try write { db in
            let targetID = try Self.resolve(revisionOrTag, db, path: path)
            var up = try Self.node(Self.headID(db, path: path, expected: expectedHead), db, path: path)
            var down = try Self.node(targetID, db, path: path)
            var descent: [RevisionNode] = []
            while up.id != down.id {
                if up.depth >= down.depth, let parent = up.parent {
                    up = try Self.step(from: up, upTo: parent, db, path: path)
                } else if let parent = down.parent {
                    descent.append(down)
                    down = try Self.parentNode(of: down, parent, db, path: path)
                } else {
                    throw DocumentError.corrupt(path, "revisions \(up.id) and \(down.id) have no common ancestor")
                }
            }
            for node in descent.reversed() {
                _ = try Self.step(down: node, db, path: path)
            }
            try Self.setHead(targetID, db)
            return try Self.revision(targetID, db, path: path)
        }
    }

    /// Names a revision (HEAD by default). Tag names are unique, non-empty, not numbers, not "HEAD", and
    /// contain no white space.
    /// - Returns: the tagged revision.
    /// - Throws: `.tagExists`, `.invalidParameter` for a bad name, `.revisionNotFound`.
    @discardableResult
    public func tag(_ name: String, at revisionOrTag: String? = nil) throws -> Revision {
        guard !name.isEmpty, name != "HEAD", Int64(name) == nil,
              !name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control })
        else {
            throw DocumentError.invalidParameter(
                "tag name '\(name)' must be non-empty, not a number, not HEAD, and without spaces")
        }
        let path = url.path
        return try write { db in
            let id = try Self.resolve(revisionOrTag ?? "HEAD", db, path: path)
            guard try Int64.fetchOne(db, sql: "SELECT revision FROM ref WHERE name = ?", arguments: [name]) == nil else {
                throw DocumentError.tagExists(name)
            }
            try db.execute(sql: "INSERT INTO ref (name, revision) VALUES (?, ?)", arguments: [name, id])
            return try Self.revision(id, db, path: path)
        }
    }

    // MARK: Steps through the tree

    /// Undoes `node` (restoring its parent's state), records it as the parent's last visited child and
    /// returns the parent.
    private static func step(
        from node: RevisionNode, upTo parentID: Int64, _ db: Database, path: String
    ) throws -> RevisionNode {
        try RevisionDelta.fetch(db, revision: node.id, path: path).apply(db, .backward)
        try db.execute(sql: "UPDATE revision SET last_child = ? WHERE id = ?", arguments: [node.id, parentID])
        return try parentNode(of: node, parentID, db, path: path)
    }

    /// Redoes `node` from its parent's state, records it as the parent's last visited child and returns it.
    private static func step(down node: RevisionNode, _ db: Database, path: String) throws -> RevisionNode {
        try RevisionDelta.fetch(db, revision: node.id, path: path).apply(db, .forward)
        if let parent = node.parent {
            try db.execute(sql: "UPDATE revision SET last_child = ? WHERE id = ?", arguments: [node.id, parent])
        }
        return node
    }

    /// The parent of `node`, checked to be one level above it (so a damaged tree cannot loop).
    private static func parentNode(
        of node: RevisionNode, _ parentID: Int64, _ db: Database, path: String
    ) throws -> RevisionNode {
        let parent = try Self.node(parentID, db, path: path)
        guard parent.depth == node.depth - 1 else {
            throw DocumentError.corrupt(path, "revision \(node.id) has depth \(node.depth) but its parent \(parent.depth)")
        }
        return parent
    }

    // MARK: Committing a new state

    /// Checks ids and blobs of `after`: layer ids must be 0 or exist at HEAD, each once; masks and the source
    /// image must be stored, masks with width * height bytes.
    private static func checkReferences(of after: ProjectState, comparedTo before: ProjectState, _ db: Database) throws {
        let previous = Dictionary(before.layers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<Int64>()
        for layer in after.layers where layer.id != 0 {
            guard previous[layer.id] != nil else {
                throw DocumentError.invalidParameter(
                    "layer '\(layer.name)': id \(layer.id) is not a layer at HEAD (new layers are given id 0)")
            }
            guard seen.insert(layer.id).inserted else {
                throw DocumentError.invalidParameter("layer id \(layer.id) appears twice in the stack")
            }
        }
        let sizeChanged = after.settings.width != before.settings.width || after.settings.height != before.settings.height
        let expected = after.settings.width * after.settings.height
        for layer in after.layers where sizeChanged || previous[layer.id]?.maskSHA256 != layer.maskSHA256 {
            guard let found = try BlobStore.size(of: layer.maskSHA256, db) else {
                throw DocumentError.blobNotFound(layer.maskSHA256)
            }
            guard found == expected else {
                throw DocumentError.maskByteCountMismatch(layer: layer.name, expected: expected, found: found)
            }
            try BlobStore.markAsContent(layer.maskSHA256, db)
        }
        if let source = after.settings.sourceImageSHA256, source != before.settings.sourceImageSHA256 {
            guard try BlobStore.size(of: source, db) != nil else { throw DocumentError.blobNotFound(source) }
            try BlobStore.markAsContent(source, db)
        }
    }

    /// Rewrites the HEAD tables from `stored` (and `settings`) to `after`, assigning ids to new layers and
    /// positions to moved ones, and returns the delta that records the change.
    private static func write(
        _ after: ProjectState, over stored: [StoredLayer], settings: ProjectSettings, _ db: Database
    ) throws -> RevisionDelta {
        var delta = RevisionDelta()
        if after.settings != settings {
            delta.settings = .init(before: settings, after: after.settings)
            try after.settings.save(db)
        }
        let previous = Dictionary(stored.map { ($0.layer.id, $0) }, uniquingKeysWith: { first, _ in first })
        let positions = LayerOrdering.positions(previous: after.layers.map { previous[$0.id]?.position })
        let kept = Set(after.layers.map(\.id))
        var changes: [RevisionDelta.LayerChange] = stored
            .filter { !kept.contains($0.layer.id) }
            .map { .init(id: $0.layer.id, before: $0, after: nil) }
        var added: [StoredLayer] = []
        for (layer, position) in zip(after.layers, positions) {
            let row = StoredLayer(layer: layer, position: position)
            if let old = previous[layer.id] {
                if old != row { changes.append(.init(id: layer.id, before: old, after: row)) }
            } else {
                added.append(row)
            }
        }
        for change in changes {
            try db.execute(sql: "DELETE FROM layer WHERE id = ?", arguments: [change.id])
        }
        for change in changes {
            try change.after?.insert(db)
        }
        for var row in added {
            row.layer.id = try row.insert(db)
            changes.append(.init(id: row.layer.id, before: nil, after: row))
        }
        delta.layers = changes
        return delta
    }
}
