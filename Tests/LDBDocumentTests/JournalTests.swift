import Foundation
import GRDB
import Testing
@testable import LDBDocument

@Suite struct JournalTests {
    /// Sets the strength of "layer 0" in one commit.
    private func setStrength(_ project: Project, _ value: Double) throws -> Revision {
        try #require(try project.commit("strength \(value)") { state in state.layers[0].strength = value })
    }

    @Test func commitAppendsOneRevisionAndMovesHead() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 1)
        let before = try project.head()
        let revision = try setStrength(project, 0.9)
        #expect(revision.parent == before.id)
        #expect(revision.description == "strength 0.9")
        #expect(try project.head() == revision)
        #expect(try project.state().layers[0].strength == 0.9)
        #expect(try project.revisions().count == 3)
    }

    @Test func unchangedStateAddsNoRevision() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 1)
        let head = try project.head()
        let bytes = try fileBytes(scratch.url())
        #expect(try project.commit("nothing") { state in state.layers[0].strength = state.layers[0].strength } == nil)
        #expect(try project.head() == head)
        #expect(try fileBytes(scratch.url()) == bytes)
    }

    @Test func undoRestoresEveryParentStateAndRedoReplaysThem() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch)
        var states = [try project.state()]
        let mask = try project.putBlob(testMask())
        try project.commit("add a") { $0.layers.append(testLayer("a", mask: mask, seed: .max)) }
        states.append(try project.state())
        try project.commit("add b under a") { $0.layers.insert(testLayer("b", mask: mask), at: 0) }
        states.append(try project.state())
        try project.commit("rename and retune") { state in
            state.layers[1].name = "b2"
            state.layers[0].name = "a"  // swap names: exercises the delete-then-insert order
            state.layers[1].name = "b"
            state.layers[1].opacity = 0.25
            state.settings.prompt = "a lake at dusk"
            state.settings.guidance = 0.1 + 0.2
        }
        states.append(try project.state())
        try project.commit("remove b") { $0.layers.removeAll { $0.name == "b" } }
        states.append(try project.state())

        for expected in states.reversed().dropFirst() {
            _ = try project.undo()
            #expect(try project.state() == expected)
        }
        #expect(throws: DocumentError.nothingToUndo) { try project.undo() }
        for expected in states.dropFirst() {
            _ = try project.redo()
            #expect(try project.state() == expected)
        }
        #expect(throws: DocumentError.nothingToRedo) { try project.redo() }
        #expect(try project.undo(3).id == 2)
        #expect(try project.state() == states[1])
        #expect(try project.redo(10).id == 5)
        #expect(try project.state() == states[4])
    }

    @Test func undoneLayerIdsAreNeverReused() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 1)
        let mask = try #require(try project.state().layers.first?.maskSHA256)
        try project.commit("add x") { $0.layers.append(testLayer("x", mask: mask)) }
        let undoneID = try project.layer("x").id
        _ = try project.undo()
        try project.commit("add y") { $0.layers.append(testLayer("y", mask: mask)) }
        #expect(try project.layer("y").id > undoneID)
    }

    @Test func editAfterUndoBranchesAndRedoFollowsTheLastVisitedChild() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 1)
        let base = try project.head()
        let first = try setStrength(project, 0.1)
        _ = try project.undo()
        let second = try setStrength(project, 0.2)
        #expect(second.parent == base.id)
        // Redo after the branch goes to the new child.
        _ = try project.undo()
        #expect(try project.redo() == second)
        #expect(try project.state().layers[0].strength == 0.2)
        // The old branch stays reachable by id; visiting it makes it the redo target.
        #expect(try project.checkout(String(first.id)) == first)
        #expect(try project.state().layers[0].strength == 0.1)
        _ = try project.undo()
        #expect(try project.redo() == first)
        #expect(try project.revisions().map(\.id) == [1, base.id, first.id, second.id])
    }

    @Test func checkoutCrossesBranchesThroughTheCommonAncestor() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 2)
        let mask = try #require(try project.state().layers.first?.maskSHA256)
        try project.commit("hide 0") { $0.layers[0].visible = false }
        try project.commit("add left") { $0.layers.append(testLayer("left", mask: mask)) }
        let left = try project.state()
        let leftRevision = try project.head()
        _ = try project.undo(2)
        let ancestor = try project.state()
        try project.commit("move 1 down") { $0.layers.swapAt(0, 1) }
        try project.commit("feather") { $0.layers[1].feather = 3 }
        let right = try project.state()
        let rightRevision = try project.head()

        #expect(try project.checkout(String(leftRevision.id)) == leftRevision)
        #expect(try project.state() == left)
        #expect(try project.checkout(String(rightRevision.id)) == rightRevision)
        #expect(try project.state() == right)
        #expect(try project.checkout("2") .id == 2)
        #expect(try project.state() == ancestor)
        #expect(throws: DocumentError.revisionNotFound("99")) { try project.checkout("99") }
        #expect(throws: DocumentError.revisionNotFound("nope")) { try project.checkout("nope") }
    }

    @Test func tagsNameRevisions() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 1)
        let tagged = try project.tag("good")
        #expect(tagged.tags == ["good"])
        let later = try setStrength(project, 0.5)
        #expect(try project.tag("first", at: "1").tags == ["first"])
        #expect(throws: DocumentError.tagExists("good")) { try project.tag("good", at: nil) }
        for bad in ["", "12", "HEAD", "two words"] {
            #expect(throws: DocumentError.self) { try project.tag(bad, at: nil) }
        }
        #expect(try project.checkout("good").id == tagged.id)
        #expect(try project.state().layers[0].strength == 0.7)
        #expect(try project.head().tags == ["good"])
        #expect(try project.revision("first").id == 1)
        let history = try project.revisions()
        #expect(history.map(\.tags) == [["first"], ["good"], []])
        #expect(history.last?.id == later.id)
    }

    @Test func failedCommitLeavesTheDocumentUnchanged() throws {
        struct Cancelled: Error {}
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 2)
        let url = scratch.url()
        let bytes = try fileBytes(url)
        let state = try project.state()
        var stored: String?
        #expect(throws: Cancelled.self) {
            try project.commit("half done") { state, context in
                stored = try context.putBlob(Data("a blob that must not survive".utf8))
                state.layers.removeAll()
                throw Cancelled()
            }
        }
        #expect(throws: DocumentError.self) {
            try project.commit("invalid") { state in state.layers[0].opacity = 2 }
        }
        #expect(throws: DocumentError.duplicateLayerName("layer 0")) {
            try project.commit("duplicate") { state in state.layers[1].name = "layer 0" }
        }
        #expect(try fileBytes(url) == bytes)
        #expect(try project.state() == state)
        #expect(throws: DocumentError.blobNotFound(try #require(stored))) { try project.blob(try #require(stored)) }
    }

    @Test func masksMustBeStoredAndHaveTheProjectSize() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch)
        let missing = String(repeating: "a", count: 64)
        #expect(throws: DocumentError.blobNotFound(missing)) {
            try project.commit("add") { $0.layers.append(testLayer("x", mask: missing)) }
        }
        let small = try project.putBlob(testMask(width: 16, height: 16))
        #expect(throws: DocumentError.maskByteCountMismatch(layer: "x", expected: 32 * 24, found: 256)) {
            try project.commit("add") { $0.layers.append(testLayer("x", mask: small)) }
        }
        let good = try project.putBlob(testMask())
        try project.commit("add") { $0.layers.append(testLayer("x", mask: good)) }
        // Resizing the project re-checks every mask.
        #expect(throws: DocumentError.maskByteCountMismatch(layer: "x", expected: 64 * 24, found: 32 * 24)) {
            try project.commit("resize") { $0.settings.width = 64 }
        }
    }

    @Test func layerIdsComeFromTheDocument() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 1)
        let mask = try #require(try project.state().layers.first?.maskSHA256)
        var forged = testLayer("forged", mask: mask)
        forged.id = 999
        #expect(throws: DocumentError.self) { try project.commit("forge") { $0.layers.append(forged) } }
        #expect(throws: DocumentError.self) {
            try project.commit("twice") { state in
                var copy = state.layers[0]
                copy.name = "copy"
                state.layers.append(copy)
            }
        }
    }
}
