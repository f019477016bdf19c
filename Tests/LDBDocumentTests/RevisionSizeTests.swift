import Foundation
import GRDB
import Testing
@testable import LDBDocument

/// A revision's change record stays small when prompts are long: it is compressed when that helps.
@Suite("Revision size")
struct RevisionSizeTests {
    /// A prompt of about 1,500 characters, different for each layer.
    private func longPrompt(_ index: Int) -> String {
        (0..<60).map { "word\(index * 7 + $0 % 13) " }.joined() + String(repeating: "in great detail, ", count: 40)
    }

    @Test func editsOfLayersWithLongPromptsAddUnderTwoKilobytes() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 20)
        try project.commit("long prompts") { state in
            for index in state.layers.indices { state.layers[index].prompt = longPrompt(index) }
        }
        let before = try usedBytes(project)
        let commits = 100
        for step in 0..<commits {
            try project.commit("edit \(step)") { state in state.layers[step % state.layers.count].strength += 0.01 }
        }
        let perRevision = Double(try usedBytes(project) - before) / Double(commits)
        #expect(perRevision < 2048, "each revision added \(perRevision) bytes")

        // The compressed records undo and redo like any other.
        let edited = try project.state()
        _ = try project.undo(commits)
        #expect(try project.state().layers.map(\.prompt) == edited.layers.map(\.prompt))
        #expect(try project.state().layers.map(\.strength) != edited.layers.map(\.strength))
        _ = try project.redo(commits)
        #expect(try project.state() == edited)
    }

    @Test func aDamagedCompressedRecordIsReportedAsCorrupt() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 2)
        let head = try #require(try project.commit("long prompt") { $0.layers[0].prompt = longPrompt(0) })
        let queue = try DatabaseQueue(path: project.url.path)
        let stored = try #require(try queue.read { try Data.fetchOne($0, sql: "SELECT delta FROM revision WHERE id = ?",
                                                                     arguments: [head.id]) })
        #expect(stored.first == 0x01, "a long prompt's record should be stored compressed")
        try queue.write {
            try $0.execute(sql: "UPDATE revision SET delta = ? WHERE id = ?",
                           arguments: [stored.prefix(stored.count - 4), head.id])
        }
        try queue.close()
        #expect(throws: DocumentError.self) { try Project.open(at: project.url).undo() }
    }
}
