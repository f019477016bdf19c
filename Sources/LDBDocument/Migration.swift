import Foundation
import GRDB

/// One step of the project format: the SQL of `Schemas/NNNN_name.sql`, which brings a file from
/// format version `version - 1` to `version`. Released migrations are never edited.
struct Migration: Equatable, Sendable {
    var version: Int
    var name: String
    var sql: String

    /// The migrations shipped with this build, in order.
    static func bundled() throws -> [Migration] {
        guard let folder = Bundle.module.url(forResource: "Schemas", withExtension: nil) else {
            throw DocumentError.missingSchema("no Schemas folder in \(Bundle.module.bundlePath)")
        }
        let migrations = try load(from: folder)
        guard migrations.count == Project.formatVersion else {
            throw DocumentError.missingSchema(
                "\(folder.path) holds \(migrations.count) migrations, expected \(Project.formatVersion)")
        }
        return migrations
    }

    /// Reads every `NNNN_name.sql` file of `folder`, sorted by number, and checks they are numbered 1, 2, 3...
    static func load(from folder: URL) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw DocumentError.missingSchema("cannot list \(folder.path): \(error.localizedDescription)")
        }
        var migrations: [Migration] = []
        for fileName in names where fileName.hasSuffix(".sql") {
            let stem = fileName.dropLast(4)
            guard let separator = stem.firstIndex(of: "_"),
                  let version = Int(stem[..<separator]), version > 0
            else { throw DocumentError.missingSchema("\(fileName) is not named NNNN_name.sql") }
            let url = folder.appendingPathComponent(fileName)
            let sql: String
            do {
                sql = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw DocumentError.missingSchema("cannot read \(url.path): \(error.localizedDescription)")
            }
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: separator)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (index, migration) in migrations.enumerated() where migration.version != index + 1 {
            throw DocumentError.missingSchema("migration \(index + 1) is missing (found \(migration.version))")
        }
        return migrations
    }

    /// Applies, in order, every migration newer than the file's `user_version`, updating `user_version`
    /// after each. The caller provides the transaction, so a failure leaves the file at its old version.
    static func migrate(_ db: Database, with migrations: [Migration]) throws {
        let current = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        for migration in migrations where migration.version > current {
            try db.execute(sql: migration.sql)
            try db.execute(sql: "PRAGMA user_version = \(migration.version)")
        }
    }
}
