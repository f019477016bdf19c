import Foundation
import GRDB
import Testing
@testable import LDBDocument

@Suite struct FileValidationTests {
    @Test func missingFileIsReportedAndNotCreated() throws {
        let scratch = try Scratch()
        let url = scratch.url()
        #expect(throws: DocumentError.fileNotFound(url.path)) { try Project.open(at: url) }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func textFileIsNotSQLite() throws {
        let scratch = try Scratch()
        let url = scratch.url()
        let text = Data("just some text, not a database at all\n".utf8)
        try text.write(to: url)
        #expect(throws: DocumentError.notSQLite(url.path)) { try Project.open(at: url) }
        #expect(try fileBytes(url) == text)
        try Data().write(to: url)
        #expect(throws: DocumentError.notSQLite(url.path)) { try Project.open(at: url) }
    }

    @Test func anotherApplicationsDatabaseIsRefused() throws {
        let scratch = try Scratch()
        let url = scratch.url()
        do {
            let queue = try DatabaseQueue(path: url.path)
            try queue.write { db in try db.execute(sql: "CREATE TABLE settings (id INTEGER PRIMARY KEY)") }
        }
        let before = try fileBytes(url)
        #expect(throws: DocumentError.foreignApplication(url.path)) { try Project.open(at: url) }
        #expect(try fileBytes(url) == before)
    }

    @Test func newerFormatIsRefusedAndTheFileLeftByteForByte() throws {
        let scratch = try Scratch()
        let url = scratch.url()
        _ = try makeProject(in: scratch, layerCount: 2)
        // user_version lives at offset 60 of the header, big-endian.
        var bytes = try fileBytes(url)
        bytes.replaceSubrange(60..<64, with: [0, 0, 0, UInt8(Project.formatVersion + 1)])
        try bytes.write(to: url)
        #expect(throws: DocumentError.newerFormat(url.path, found: Project.formatVersion + 1, supported: Project.formatVersion)) {
            try Project.open(at: url)
        }
        #expect(try fileBytes(url) == bytes)
        #expect(!FileManager.default.fileExists(atPath: url.path + "-journal"))
        let message = DocumentError.newerFormat(url.path, found: 2, supported: 1).description
        #expect(message.contains("newer") && message.contains(url.path))
    }

    @Test func truncatedFileIsCorrupt() throws {
        let scratch = try Scratch()
        let url = scratch.url()
        _ = try makeProject(in: scratch, layerCount: 3)
        let bytes = try fileBytes(url)
        try bytes.prefix(bytes.count / 2).write(to: url)
        let error = #expect(throws: DocumentError.self) { try Project.open(at: url) }
        guard case .corrupt(let path, let detail) = error else {
            Issue.record("expected corrupt, got \(String(describing: error))")
            return
        }
        #expect(path == url.path)
        #expect(detail.contains("truncated"))
        try bytes.prefix(50).write(to: url)
        let short = #expect(throws: DocumentError.self) { try Project.open(at: url) }
        guard case .corrupt = short else {
            Issue.record("expected corrupt, got \(String(describing: short))")
            return
        }
    }

    @Test func corruptLayerPageIsReported() throws {
        let scratch = try Scratch()
        let url = scratch.url()
        let rootPage: Int
        let pageSize: Int
        do {
            let project = try makeProject(in: scratch, layerCount: 3)
            (rootPage, pageSize) = try project.database.read { db in
                (try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'layer'") ?? 0,
                 try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
            }
        }
        #expect(rootPage > 1)
        var bytes = try fileBytes(url)
        let start = (rootPage - 1) * pageSize
        bytes.replaceSubrange(start..<start + pageSize, with: [UInt8](repeating: 0xA5, count: pageSize))
        try bytes.write(to: url)
        let error = #expect(throws: DocumentError.self) { try Project.open(at: url) }
        guard case .corrupt(let path, _) = error else {
            Issue.record("expected corrupt, got \(String(describing: error))")
            return
        }
        #expect(path == url.path)
    }

    @Test func missingTableIsCorrupt() throws {
        let scratch = try Scratch()
        let url = scratch.url()
        do {
            let project = try makeProject(in: scratch)
            try project.database.write { db in try db.execute(sql: "DROP TABLE cache_render") }
        }
        #expect(throws: DocumentError.corrupt(url.path, "table 'cache_render' is missing")) {
            try Project.open(at: url)
        }
    }
}
