import Foundation
import LDBDocument
import LDBEngine
import LDBTensor
import Testing

/// What each kind of edit costs in UNet evaluations and VAE decodes (docs/algorithm.md, "Caches and cost"), with N = 6,
/// B = 2 and two guided layers of n = 4 and n = 5.
@Suite struct RenderCostTests {
    /// N + (4 − B) + (5 − B) + B guided steps.
    static let fullRenderCalls = 6 + 2 + 3 + 2

    @Test func firstRenderComputesEverythingAndSecondIsFree() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let engine = try EngineFixtures.engine(project)
        #expect(!engine.modelChanged)

        let first = try engine.render()
        #expect(first.stats == .guided(Self.fullRenderCalls, decodes: 1,
                                       misses: [.baseTrajectory: 1, .layerResult: 2, .render: 1]))
        #expect(first.latent.shape == [1, 4, 12, 8])
        #expect(first.image.width == 64 && first.image.height == 96)
        #expect(first.stats.stageSeconds.map(\.stage) == RenderStats.stages)
        let report = first.stats.report()
        #expect(report.contains("13 calls (26 samples)"))
        #expect(report.contains("layer results 0 hits, 2 missed"))

        let second = try engine.render()
        #expect(second.stats == .guided(0, decodes: 0, hits: [.render: 1]))
        #expect(second.latent == first.latent)
        #expect(second.image == first.image)
    }

    @Test func editingOneLayerRerunsOnlyThatLayer() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let engine = try EngineFixtures.engine(project)
        let before = try engine.render()

        try EngineFixtures.editLayer(project, "roof") { $0.prompt = "a green roof" }
        let edited = try engine.render()
        #expect(edited.stats == .guided(2 + 2, decodes: 1, hits: [.baseTrajectory: 1, .layerResult: 1],
                                        misses: [.layerResult: 1, .render: 1]))
        #expect(edited.latent != before.latent)

        // The sky layer's own parameters cost its n − B = 3 steps, and nothing of the roof layer.
        try EngineFixtures.editLayer(project, "sky") { $0.seed = 23 }
        let reseeded = try engine.render()
        #expect(reseeded.stats == .guided(3 + 2, decodes: 1, hits: [.baseTrajectory: 1, .layerResult: 1],
                                          misses: [.layerResult: 1, .render: 1]))
    }

    @Test func renamingALayerCostsNothing() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let engine = try EngineFixtures.engine(project)
        let before = try engine.render()

        try EngineFixtures.editLayer(project, "roof") { $0.name = "tiles" }
        let renamed = try engine.render()
        #expect(renamed.stats == .guided(0, decodes: 0, hits: [.render: 1]))
        #expect(renamed.latent == before.latent)
    }

    @Test func reorderingRerunsNoLayer() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let engine = try EngineFixtures.engine(project)
        let original = try engine.render()

        try project.commit("move sky to the bottom") { $0.layers.reverse() }
        let reordered = try engine.render()
        #expect(reordered.stats == .guided(2, decodes: 1, hits: [.baseTrajectory: 1, .layerResult: 2],
                                           misses: [.render: 1]))
        // The masks overlap, so the order matters.
        #expect(reordered.latent != original.latent)

        try project.commit("move sky back to the top") { $0.layers.reverse() }
        let restored = try engine.render()
        #expect(restored.stats == .guided(0, decodes: 0, hits: [.render: 1]))
        #expect(restored.latent == original.latent)
    }

    @Test func hidingALayerGivesTheLatentOfAProjectWithoutIt() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let engine = try EngineFixtures.engine(project)
        _ = try engine.render()

        try EngineFixtures.editLayer(project, "sky") { $0.visible = false }
        let hidden = try engine.render()
        #expect(hidden.stats == .guided(2, decodes: 1, hits: [.baseTrajectory: 1, .layerResult: 1],
                                        misses: [.render: 1]))

        let other = try EngineFixtures.project(in: folder, name: "roof-only.ldbproj")
        try EngineFixtures.addLayer(other, "roof", prompt: "a red roof", seed: 11, regenSteps: 4,
                                    mask: EngineFixtures.box(x: 0, y: 0, w: 32, h: 40))
        let roofOnly = try EngineFixtures.engine(other).render()
        #expect(roofOnly.stats.unetCalls == 6 + 2 + 2)
        #expect(hidden.latent == roofOnly.latent)
        #expect(hidden.image == roofOnly.image)
    }

    @Test func undoRedoAndReopeningReturnToRenderedStatesForFree() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let engine = try EngineFixtures.engine(project)
        let both = try engine.render()
        try EngineFixtures.editLayer(project, "sky") { $0.visible = false }
        let hidden = try engine.render()

        _ = try project.undo()
        let undone = try engine.render()
        #expect(undone.stats == .guided(0, decodes: 0, hits: [.render: 1]))
        #expect(undone.latent == both.latent)

        _ = try project.redo()
        let redone = try engine.render()
        #expect(redone.stats == .guided(0, decodes: 0, hits: [.render: 1]))
        #expect(redone.latent == hidden.latent)

        let reopened = try Project.open(at: project.url)
        let fresh = try Engine.open(project: reopened).render()
        #expect(fresh.stats == .guided(0, decodes: 0, hits: [.render: 1]))
        #expect(fresh.latent == hidden.latent)
        #expect(fresh.image == hidden.image)
    }

    @Test func clearingCachesRecomputesTheSameLatent() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let engine = try EngineFixtures.engine(project)
        let first = try engine.render()
        #expect(try project.cacheByteCount() > 0)

        try project.clearCaches()
        #expect(try project.cacheByteCount() == 0)
        let again = try engine.render()
        #expect(again.stats == .guided(Self.fullRenderCalls, decodes: 1,
                                       misses: [.baseTrajectory: 1, .layerResult: 2, .render: 1]))
        #expect(again.latent == first.latent)
        #expect(again.image == first.image)
    }

    @Test func withoutVisibleLayersTheResultIsTheCleanBaseLatent() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        let engine = try EngineFixtures.engine(project)

        let plain = try engine.render()
        #expect(plain.stats == .guided(6, decodes: 1, misses: [.baseTrajectory: 1, .render: 1]))
        #expect(plain.latent == (try engine.baseTrajectory())[6])

        // A hidden layer leaves the stack empty: the same render.
        try EngineFixtures.addLayer(project, "roof", prompt: "a red roof", seed: 11, regenSteps: 4,
                                    mask: EngineFixtures.box(x: 0, y: 0, w: 32, h: 40)) { $0.visible = false }
        #expect(try engine.render().stats == .guided(0, decodes: 0, hits: [.render: 1]))

        // Another render of the same stack (keep-background) needs no UNet step once Z is cached.
        let kept = try engine.render(keepBackground: true)
        #expect(kept.stats == .guided(0, decodes: 1, hits: [.baseTrajectory: 1], misses: [.render: 1]))
        #expect(kept.image == plain.image)
    }

    @Test func cachesAreTrimmedToTheLimit() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let engine = try EngineFixtures.engine(project)
        engine.cacheByteLimit = 2000
        _ = try engine.render()
        #expect(try project.cacheByteCount() <= 2000)
        // Z alone (7 latents of 384 floats) is over the limit, so the next render starts again.
        #expect(try engine.render().stats.unetCalls == Self.fullRenderCalls)
    }
}
