import Foundation
import Testing
@testable import LDBDocument

/// A change, undo, redo or checkout that names the HEAD it was made on is refused, with nothing written, once
/// HEAD has moved on (an editor showing an older revision must not overwrite what happened since).
@Suite struct StaleHeadTests {
    @Test func commitOnTheCurrentHeadSucceeds() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 1)
        let head = try project.head().id
        let revision = try project.commit("strength 0.9") { state, context in
            try context.requireHead(head)
            #expect(context.head == head)
            state.layers[0].strength = 0.9
        }
        #expect(revision?.parent == head)
    }

    @Test func commitOnAnOlderHeadWritesNothing() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 1)
        let old = try project.head().id
        try project.commit("strength 0.8") { state in state.layers[0].strength = 0.8 }
        let bytes = try fileBytes(scratch.url())
        #expect(throws: DocumentError.staleHead(expected: old, found: old + 1)) {
            try project.commit("strength 0.9") { state, context in
                try context.requireHead(old)
                state.layers[0].strength = 0.9
            }
        }
        #expect(try fileBytes(scratch.url()) == bytes)
        #expect(DocumentError.staleHead(expected: 2, found: 3).description
            == "the project changed: the edit was made on revision 2 but HEAD is now 3")
    }

    @Test func undoRedoAndCheckoutCheckTheHead() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 1)
        let first = try project.head().id
        try project.commit("strength 0.8") { state in state.layers[0].strength = 0.8 }
        let second = try project.head().id
        #expect(throws: DocumentError.staleHead(expected: first, found: second)) { try project.undo(ifHeadIs: first) }
        #expect(throws: DocumentError.staleHead(expected: first, found: second)) {
            try project.checkout(String(first), ifHeadIs: first)
        }
        #expect(try project.head().id == second)
        #expect(try project.undo(ifHeadIs: second).id == first)
        #expect(throws: DocumentError.staleHead(expected: second, found: first)) { try project.redo(ifHeadIs: second) }
        #expect(try project.redo(ifHeadIs: first).id == second)
        #expect(try project.checkout(String(first), ifHeadIs: second).id == first)
    }
}
