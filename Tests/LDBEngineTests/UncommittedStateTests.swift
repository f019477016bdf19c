import Foundation
import LDBDocument
import LDBEngine
import LDBImage
import Testing

/// `Engine.render(state:)`: an editor previews a state that is not committed, computing and caching as a render
/// of HEAD would, without a revision.
@Suite struct UncommittedStateTests {
    @Test func renderingAStateWritesNoRevisionAndItsWorkIsReused() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let engine = try EngineFixtures.engine(project)
        _ = try engine.render()
        let head = try project.head()

        // A stroke being drawn: a new mask that is not in the project.
        let stroke = try EngineFixtures.box(x: 8, y: 48, w: 24, h: 24)
        let maskBytes = Data(stroke.bytes)
        var state = try project.state()
        state.layers.append(Layer(name: "stroke", prompt: "a green door", seed: 5, regenSteps: 4,
                                  maskSHA256: Project.blobSHA256(maskBytes)))
        let preview = try engine.render(state: state, masks: [maskBytes])
        #expect(preview.stats == .guided(2 + 2, decodes: 1, hits: [.baseTrajectory: 1, .layerResult: 2],
                                         misses: [.layerResult: 1, .render: 1]))
        #expect(try project.head() == head)

        // Committing the same layer costs nothing more.
        try EngineFixtures.addLayer(project, "stroke", prompt: "a green door", seed: 5, regenSteps: 4, mask: stroke)
        let committed = try engine.render()
        #expect(committed.stats == .guided(0, decodes: 0, hits: [.render: 1]))
        #expect(committed.image == preview.image)
    }

    @Test func progressCarriesTypedStagesAndLatents() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let log = Log()
        _ = try EngineFixtures.engine(project).render(progress: { log.append($0) })
        let stages = log.entries.map(\.stage)
        #expect(stages == Array(repeating: .base, count: 6) + Array(repeating: .layers, count: 5)
            + [.finish, .finish, .decode])
        #expect(log.entries.filter { $0.stage != .decode }.allSatisfy { $0.latent?.shape == [1, 4, 12, 8] })
        #expect(RenderStats.stages == RenderStage.allCases.map(\.rawValue))
    }

    @Test func aPreviewDecoderShowsEachStepsLatentOrItsWindow() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder, settings: RegionModeTests.settings(region: .crop))
        try RegionModeTests.addBox(project)
        let engine = try EngineFixtures.engine(project)
        let log = Log()
        let result = try engine.render(state: nil, progress: { log.append($0) }, previewDecoder: engine.backend)
        let sizes = log.entries.filter { $0.stage != .decode }.map { entry in
            entry.preview.map { [$0.width, $0.height] } ?? []
        }
        // The base on the whole 128 × 128 picture, the layer and the finish on their 64 × 64 window.
        #expect(sizes == Array(repeating: [128, 128], count: 6) + Array(repeating: [64, 64], count: 3 + 2))
        // Previews are not the render's work.
        #expect(result.stats.vaeDecodes == 2)
    }

    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [RenderProgress] = []
        var entries: [RenderProgress] { lock.withLock { stored } }
        func append(_ entry: RenderProgress) { lock.withLock { stored.append(entry) } }
    }
}
