import Foundation
import GRDB
import Testing
@testable import LDBDocument

@Suite struct MigrationTests {
    @Test func bundledSchemasAreNumberedFromOneToTheFormatVersion() throws {
        let migrations = try Migration.bundled()
        #expect(migrations.map(\.version) == Array(1...Project.formatVersion))
        #expect(migrations.first?.name == "initial")
        #expect(migrations.first?.sql.contains("CREATE TABLE revision") == true)
    }

    @Test func createdProjectHasEveryTableOfTheSchema() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch)
        let tables = try project.database.read { db in
            Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
        }
        #expect(Project.requiredTables.isSubset(of: tables))
        for kind in CacheKind.allCases {
            let count = try project.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(kind.table)") }
            #expect(count == 0)
        }
    }

    @Test func filesAreLoadedInNumericOrder() throws {
        let scratch = try Scratch()
        try "CREATE TABLE b (x);".write(to: scratch.url("0002_second.sql"), atomically: true, encoding: .utf8)
        try "CREATE TABLE a (x);".write(to: scratch.url("0001_first.sql"), atomically: true, encoding: .utf8)
        try "ignored".write(to: scratch.url("README.md"), atomically: true, encoding: .utf8)
        let migrations = try Migration.load(from: scratch.folder)
        #expect(migrations.map(\.version) == [1, 2])
        #expect(migrations.map(\.name) == ["first", "second"])
    }

    @Test func aGapInTheNumbersIsRefused() throws {
        let scratch = try Scratch()
        try "CREATE TABLE a (x);".write(to: scratch.url("0001_first.sql"), atomically: true, encoding: .utf8)
        try "CREATE TABLE c (x);".write(to: scratch.url("0003_third.sql"), atomically: true, encoding: .utf8)
        #expect(throws: DocumentError.self) { try Migration.load(from: scratch.folder) }
    }

    @Test func pendingMigrationsRunInOrderAndOnlyOnce() throws {
        let migrations = [
            Migration(version: 1, name: "one", sql: "CREATE TABLE log (step INTEGER);"),
            Migration(version: 2, name: "two", sql: "INSERT INTO log VALUES (2);"),
            Migration(version: 3, name: "three", sql: "INSERT INTO log SELECT MAX(step) * 10 FROM log;"),
        ]
        let queue = try DatabaseQueue()
        try queue.write { db in try Migration.migrate(db, with: Array(migrations.prefix(2))) }
        try queue.write { db in try Migration.migrate(db, with: migrations) }
        try queue.write { db in try Migration.migrate(db, with: migrations) }
        let (steps, version) = try queue.read { db in
            (try Int.fetchAll(db, sql: "SELECT step FROM log ORDER BY rowid"),
             try Int.fetchOne(db, sql: "PRAGMA user_version"))
        }
        #expect(steps == [2, 20])
        #expect(version == 3)
    }

    @Test func aFailingMigrationRollsBackTheWholeUpgrade() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try Migration.migrate(db, with: [Migration(version: 1, name: "one", sql: "CREATE TABLE t (x);")])
        }
        let broken = [
            Migration(version: 1, name: "one", sql: "CREATE TABLE t (x);"),
            Migration(version: 2, name: "two", sql: "ALTER TABLE t ADD COLUMN y;"),
            Migration(version: 3, name: "three", sql: "THIS IS NOT SQL;"),
        ]
        #expect(throws: (any Error).self) { try queue.write { db in try Migration.migrate(db, with: broken) } }
        let (version, columns) = try queue.read { db in
            (try Int.fetchOne(db, sql: "PRAGMA user_version"), try db.columns(in: "t").map(\.name))
        }
        #expect(version == 1)
        #expect(columns == ["x"])
    }
}
