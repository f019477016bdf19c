import Foundation
import GRDB
import Synchronization
import Testing
@testable import LDBDocument

@Suite struct ConcurrencyTests {
    @Test func twoProjectsOnOneFileLoseNoEdit() throws {
        let scratch = try Scratch()
        let url = scratch.url()
        _ = try makeProject(in: scratch)
        let projects = [try Project.open(at: url), try Project.open(at: url)]
        let mask = try projects[0].putBlob(testMask())
        let perWriter = 15
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: projects.count) { writer in
            for index in 0..<perWriter {
                do {
                    try projects[writer].commit("writer \(writer) adds \(index)") { state in
                        state.layers.append(testLayer("w\(writer)-\(index)", mask: mask))
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        let errors = failures.withLock { $0 }
        #expect(errors.isEmpty, "\(errors)")
        let reopened = try Project.open(at: url)
        let names = Set(try reopened.state().layers.map(\.name))
        #expect(names.count == 2 * perWriter)
        #expect(try reopened.revisions().count == 1 + 2 * perWriter)
        #expect(try reopened.head().id == Int64(1 + 2 * perWriter))
    }

    @Test func aWriterGivesUpWithALockedErrorAndChangesNothing() throws {
        let scratch = try Scratch()
        let url = scratch.url()
        _ = try makeProject(in: scratch, layerCount: 1)
        let project = try Project.open(at: url, busyTimeout: 0.2)
        let holder = try DatabaseQueue(path: url.path)
        try holder.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            #expect(throws: DocumentError.locked(url.path)) {
                try project.commit("blocked") { $0.layers[0].visible = false }
            }
            try db.execute(sql: "ROLLBACK")
        }
        #expect(try project.state().layers[0].visible)
        #expect(try project.head().id == 2)
        #expect(DocumentError.locked(url.path).description.contains("locked by another process"))
    }
}
