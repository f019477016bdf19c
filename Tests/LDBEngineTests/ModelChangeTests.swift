import Foundation
import LDBDocument
import LDBEngine
import Testing

/// A project opened with changed model files is rendered afresh: every cache key includes the fingerprint.
@Suite struct ModelChangeTests {
    @Test func changedModelFilesMissEveryCache() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("tiny-sd1")
        try FileManager.default.copyItem(at: EngineFixtures.model("tiny-sd1"), to: model)
        let project = try EngineFixtures.project(in: folder, model: model)
        try EngineFixtures.addTwoLayers(project)
        let before = try EngineFixtures.engine(project).render()

        // Harmless: trailing whitespace after the JSON of the UNet's configuration.
        let config = model.appendingPathComponent("unet/config.json")
        try (Data(contentsOf: config) + Data("\n".utf8)).write(to: config)

        let engine = try EngineFixtures.engine(project)
        #expect(engine.modelChanged)
        let after = try engine.render()
        #expect(after.stats == .guided(RenderCostTests.fullRenderCalls, decodes: 1,
                                       misses: [.baseTrajectory: 1, .layerResult: 2, .render: 1]))
        // The weights are the same, so the picture is too.
        #expect(after.latent == before.latent)
        // The new entries are hit from now on.
        #expect(try engine.render().stats == .guided(0, decodes: 0, hits: [.render: 1]))
    }

    @Test func aMissingModelFolderIsAClearError() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("tiny-sd1")
        try FileManager.default.copyItem(at: EngineFixtures.model("tiny-sd1"), to: model)
        let project = try EngineFixtures.project(in: folder, model: model)
        try FileManager.default.removeItem(at: model)

        #expect(throws: EngineError.modelNotFound(location: model.path)) { try Engine.open(project: project) }
        #expect(EngineError.modelNotFound(location: model.path).description.contains(model.path))
    }
}
