import Foundation
import GRDB
import Testing
@testable import LDBDocument

@Suite struct LayerOrderTests {
    private func delta(_ project: Project) throws -> RevisionDelta {
        let path = project.url.path
        return try project.database.read { db in
            try RevisionDelta.fetch(db, revision: try Project.headID(db, path: path), path: path)
        }
    }

    @Test func movingALayerRewritesOneRow() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 6)
        let before = try project.state().layers.map(\.name)
        try project.commit("move layer 0 to 3") { state in
            let layer = state.layers.remove(at: 0)
            state.layers.insert(layer, at: 3)
        }
        #expect(try project.state().layers.map(\.name)
            == ["layer 1", "layer 2", "layer 3", "layer 0", "layer 4", "layer 5"])
        #expect(try delta(project).layers.map(\.id) == [try project.layer("layer 0").id])
        try project.commit("move layer 5 to the bottom") { state in
            state.layers.insert(state.layers.removeLast(), at: 0)
        }
        #expect(try delta(project).layers.count == 1)
        _ = try project.undo(2)
        #expect(try project.state().layers.map(\.name) == before)
    }

    @Test func repeatedInsertsIntoOneGapRenumberAndKeepOrder() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 2)
        let mask = try #require(try project.state().layers.first?.maskSHA256)
        var expected = ["layer 0", "layer 1"]
        for index in 0..<60 {
            try project.commit("insert") { $0.layers.insert(testLayer("n\(index)", mask: mask), at: 1) }
            expected.insert("n\(index)", at: 1)
        }
        #expect(try project.state().layers.map(\.name) == expected)
        _ = try project.undo(60)
        #expect(try project.state().layers.map(\.name) == ["layer 0", "layer 1"])
    }

    @Test func positionsKeepTheLongestOrderedRun() {
        let positions = LayerOrdering.positions(previous: [2048, 1024, 3072, nil, 4096])
        // 1024 moved below 2048: either it or 2048 moves, not both; the new layer fits between 3072 and 4096.
        #expect(positions.count == 5)
        #expect(zip(positions, positions.dropFirst()).allSatisfy { $0 < $1 })
        #expect(positions[2] == 3072 && positions[4] == 4096)
        #expect(positions[0] == 2048 || positions[1] == 1024)
        #expect(LayerOrdering.positions(previous: [nil, nil]) == [1024, 2048])
        #expect(LayerOrdering.positions(previous: [nil, 10]) == [10 - 1024, 10])
    }
}
