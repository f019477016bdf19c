import Foundation
import LDBDiffusion
import LDBDocument
import LDBEngine
import Testing

/// One loaded model shared by the projects open at the same time, with its memory accounted.
@Suite struct ModelRegistryTests {
    @Test func projectsOnTheSameModelShareOneLoad() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let registry = ModelRegistry()
        let first = try Engine.open(project: EngineFixtures.project(in: folder, name: "a.ldbproj"), registry: registry)
        let second = try Engine.open(project: EngineFixtures.project(in: folder, name: "b.ldbproj"), registry: registry)
        #expect(registry.loaded == [first.identity])
        #expect(first.backend.evaluationCounter === second.backend.evaluationCounter)
        #expect(try registry.heldBytes == EngineFixtures.pipeline(first).parameterByteCount && registry.heldBytes > 0)

        // Another precision is another model.
        let half = try Engine.open(project: EngineFixtures.project(in: folder, name: "c.ldbproj"),
                                   weightPrecision: .float16, registry: registry)
        #expect(Set(registry.loaded) == [first.identity, half.identity])
        #expect(try registry.heldBytes
            == EngineFixtures.pipeline(first).parameterByteCount + EngineFixtures.pipeline(half).parameterByteCount)

        // Renders of the two projects use the shared weights and count their own work.
        let rendered = try first.render()
        #expect(rendered.stats.unetCalls == 6)
        #expect(try second.render().stats.unetCalls == 6)

        registry.unload(half.identity)
        #expect(registry.loaded == [first.identity])
        registry.unloadAll()
        #expect(registry.heldBytes == 0)
    }
}
