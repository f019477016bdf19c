import GRDB

extension Project {
    /// A tag: a user's name for a revision.
    public struct TagEntry: Equatable, Sendable {
        public var name: String
        public var revision: Int64
    }

    /// Every tag, by name.
    public func tags() throws -> [TagEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, revision FROM ref WHERE name != 'HEAD' ORDER BY name")
                .map { TagEntry(name: $0["name"], revision: $0["revision"]) }
        }
    }

    /// Removes the tag `name`; the revision it named stays.
    /// - Returns: the revision the tag named.
    /// - Throws: `.revisionNotFound` when there is no such tag (HEAD is not a tag).
    @discardableResult
    public func deleteTag(_ name: String) throws -> Int64 {
        try write { db in
            guard name != "HEAD",
                  let revision = try Int64.fetchOne(db, sql: "SELECT revision FROM ref WHERE name = ?", arguments: [name])
            else { throw DocumentError.revisionNotFound(name) }
            try db.execute(sql: "DELETE FROM ref WHERE name = ?", arguments: [name])
            return revision
        }
    }
}
