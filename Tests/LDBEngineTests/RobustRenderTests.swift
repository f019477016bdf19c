import Foundation
import LDBDocument
import LDBEngine
import Testing

/// A render that is interrupted keeps what it finished.
@Suite struct RobustRenderTests {
    @Test func anInterruptedBaseResumesFromItsFinishedSteps() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let engine = try EngineFixtures.engine(project)

        // The 5th question comes before the base's 5th step: 4 steps are done and kept.
        let countdown = CancellationTests.Countdown(cancelAt: 5)
        #expect(throws: EngineError.cancelled) { try engine.render(isCancelled: { countdown.isCancelled() }) }
        #expect(engine.backend.evaluations.calls == 4)

        let resumed = try engine.render()
        #expect(resumed.stats == .guided(2 + 2 + 3 + 2, decodes: 1, misses: [.baseTrajectory: 1, .layerResult: 2,
                                                                            .render: 1]))
        // The same numbers as a render that was never interrupted.
        let other = try EngineFixtures.project(in: folder, name: "other.ldbproj")
        try EngineFixtures.addTwoLayers(other)
        #expect(try EngineFixtures.engine(other).render().latent == resumed.latent)
    }
}
