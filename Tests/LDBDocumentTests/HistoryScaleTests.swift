import Foundation
import GRDB
import Synchronization
import Testing
@testable import LDBDocument

/// Large histories must cost nothing to open and to move through: only HEAD's revision row is read.
@Suite struct HistoryScaleTests {
    /// Appends `count` revisions, each toggling the visibility of one layer, in one transaction, writing the
    /// same rows `commit` writes (a bulk path, so the test does not pay one fsync per revision).
    private func appendToggles(_ project: Project, count: Int) throws {
        let path = project.url.path
        try project.database.write { db in
            var layers = try StoredLayer.fetchAll(db)
            var head = try Project.node(try Project.headID(db, path: path), db, path: path)
            let insert = try db.cachedStatement(sql: """
                INSERT INTO revision (id, parent, depth, created_at, description, delta, last_child)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            let encoder = JSONEncoder()
            let now = Date().timeIntervalSince1970
            let first = head.id
            for step in 0..<count {
                let index = step % layers.count
                let before = layers[index]
                layers[index].layer.visible.toggle()
                let delta = RevisionDelta(layers: [.init(id: before.layer.id, before: before, after: layers[index])])
                let id = head.id + 1
                try insert.execute(arguments: [
                    id, head.id, head.depth + 1, now, "toggle \(before.layer.name)", try encoder.encode(delta), nil,
                ])
                head = RevisionNode(id: id, parent: head.id, depth: head.depth + 1, lastChild: nil)
            }
            try db.execute(
                sql: "UPDATE revision SET last_child = id + 1 WHERE id >= ? AND id < ?", arguments: [first, head.id])
            try db.execute(sql: "DELETE FROM layer")
            for layer in layers { try layer.insert(db) }
            try Project.setHead(head.id, db)
        }
    }

    /// Runs `body` and returns the SQL of every statement it executed on `project`'s connection.
    private func statements(_ project: Project, _ body: () throws -> Void) throws -> [String] {
        let recorded = Mutex<[String]>([])
        project.database.inDatabase { db in
            db.trace { event in
                if case .statement(let statement) = event {
                    let sql = statement.sql
                    recorded.withLock { $0.append(sql) }
                }
            }
        }
        defer { project.database.inDatabase { db in db.trace(options: [], nil) } }
        try body()
        return recorded.withLock { $0 }
    }

    /// The query plan lines of every recorded statement that mentions the revision table.
    private func plans(of statements: [String], _ project: Project) throws -> [String] {
        try project.database.read { db in
            try statements.filter { $0.contains("revision") && !$0.hasPrefix("EXPLAIN") }.flatMap { sql in
                let placeholders = sql.filter { $0 == "?" }.count
                let arguments = StatementArguments(Array(repeating: DatabaseValue.null, count: placeholders))
                return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)", arguments: arguments)
                    .map { "\($0["detail"] as String? ?? "")" }
            }
        }
    }

    private func elapsed(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let duration = ContinuousClock.now - start
        return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    @Test func tenThousandRevisionsAndTwoHundredLayersStayCheap() throws {
        let scratch = try Scratch()
        let url = scratch.url()
        do {
            let project = try makeProject(in: scratch, layerCount: 200)
            try appendToggles(project, count: 10_000)
        }
        var project: Project?
        let openTime = try elapsed { project = try Project.open(at: url) }
        let opened = try #require(project)
        let mask = try #require(try opened.state().layers.first?.maskSHA256)
        var times: [String: Double] = ["open": openTime]
        var executed: [String] = []
        executed += try statements(opened) {
            times["info"] = try elapsed {
                let state = try opened.state()
                #expect(state.layers.count == 200)
                #expect(try opened.head().id == 10_002)
                _ = try opened.model()
            }
            times["undo"] = try elapsed {
                let head = try opened.undo()
                #expect(head.id == 10_001)
            }
            times["redo"] = try elapsed {
                let head = try opened.redo()
                #expect(head.id == 10_002)
            }
            times["add layer"] = try elapsed {
                try opened.commit("add") { $0.layers.append(testLayer("new", mask: mask)) }
            }
        }
        #expect(try opened.state().layers.count == 201)
        let revisionStatements = executed.filter { $0.contains("revision") }
        #expect(!revisionStatements.isEmpty)
        for plan in try plans(of: executed, opened) {
            #expect(!plan.contains("SCAN revision"), "\(plan)")
        }
        for (operation, milliseconds) in times {
            // Generous bound for debug builds on a shared machine; typical figures are a few milliseconds.
            #expect(milliseconds < 250, "\(operation) took \(milliseconds) ms")
        }
    }

    @Test func aRevisionWithoutNewMasksAddsUnderTwoKilobytes() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 20)
        try project.commit("long prompts") { state in
            for index in state.layers.indices {
                state.layers[index].prompt = String(repeating: "a detailed prompt ", count: 8)
            }
        }
        let before = try usedBytes(project)
        let commits = 200
        for step in 0..<commits {
            try project.commit("edit \(step)") { state in
                let index = step % state.layers.count
                if step % 2 == 0 {
                    state.layers[index].strength += 0.01
                } else {
                    state.layers[index].visible.toggle()
                }
            }
        }
        let perRevision = Double(try usedBytes(project) - before) / Double(commits)
        #expect(perRevision < 2048, "each revision added \(perRevision) bytes")
    }
}
