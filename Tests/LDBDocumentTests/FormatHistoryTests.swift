import Foundation
import Testing
@testable import LDBDocument

/// `Fixtures/projects/history-format2.ldbproj`, written by ldb at format 2 with a history (see
/// `Fixtures/projects/make_history_project.sh`), opens with this build, reads its layers (fields added since
/// then have their defaults), undoes, redoes and checks out its branches.
@Suite struct FormatHistoryTests {
    static let fixture = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/projects/history-format2.ldbproj")

    /// A copy of the fixture, so that the upgrade does not touch the committed file.
    static func open(in scratch: Scratch) throws -> Project {
        let url = scratch.url()
        try FileManager.default.copyItem(at: fixture, to: url)
        return try Project.open(at: url)
    }

    @Test func aFormat2ProjectKeepsItsHistory() throws {
        let scratch = try Scratch()
        let project = try Self.open(in: scratch)
        #expect(try project.formatVersionOnDisk() == Project.formatVersion)

        // HEAD: "hide sky", a branch off "add layer sky".
        var state = try project.state()
        #expect(state.settings.region == .full && state.settings.regionMargin == 8)
        #expect(state.settings.steps == 6 && state.settings.seed == 1234)
        #expect(state.layers.map(\.name) == ["roof", "sky"])
        #expect(state.layers.map(\.visible) == [true, false])
        #expect(state.layers[0].strength == 0.7)
        #expect(state.layers[1].feather == 2 && state.layers[1].guidance == 5)

        _ = try project.undo()
        #expect(try project.state().layers.map(\.visible) == [true, true])
        _ = try project.redo()
        #expect(try project.state().layers.map(\.visible) == [true, false])

        _ = try project.checkout("look-1")
        state = try project.state()
        #expect(state.layers.map(\.visible) == [true, true])
        #expect(state.layers[0].strength == 0.5)
        _ = try project.checkout("hidden-sky")
        #expect(try project.state().layers[0].strength == 0.7)

        _ = try project.undo(3)
        #expect(try project.state().layers.isEmpty)
        #expect(try project.state().settings.region == .full)

        // A change of a setting made by this build undoes back to the old revisions' settings.
        try project.commit("set region crop") { $0.settings.region = .crop }
        #expect(try project.state().settings.region == .crop)
        _ = try project.undo()
        #expect(try project.state().settings.region == .full)
        _ = try project.checkout("hidden-sky")
        #expect(try project.state().layers.map(\.name) == ["roof", "sky"])
    }
}
