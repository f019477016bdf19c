import Foundation
import LDBDocument
import LDBEngine
import Testing

/// `isCancelled` stops a render between UNet steps; what finished stays cached.
@Suite struct CancellationTests {
    /// Says "cancel" from its `limit`-th question on.
    final class Countdown: @unchecked Sendable {
        private let lock = NSLock()
        private var asked = 0
        private let limit: Int

        init(cancelAt limit: Int) { self.limit = limit }

        func isCancelled() -> Bool {
            lock.withLock {
                asked += 1
                return asked >= limit
            }
        }
    }

    @Test func cancellingKeepsFinishedWork() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let engine = try EngineFixtures.engine(project)

        // Steps 1–6 are the base, 7–8 the roof layer; the 9th question is before the sky layer's first step.
        let countdown = Countdown(cancelAt: 9)
        #expect(throws: EngineError.cancelled) {
            try engine.render(isCancelled: { countdown.isCancelled() })
        }
        #expect(engine.backend.evaluations.calls == 8)

        let resumed = try engine.render()
        #expect(resumed.stats == .guided(3 + 2, decodes: 1, hits: [.baseTrajectory: 1, .layerResult: 1],
                                         misses: [.layerResult: 1, .render: 1]))
    }

    @Test func progressReportsEveryStage() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)
        let log = Log()
        _ = try EngineFixtures.engine(project).render(progress: { log.append("\($0.label) \($0.completed)/\($0.total)") })
        #expect(log.lines == (1...6).map { "base \($0)/6" } + ["layer roof 1/2", "layer roof 2/2"]
            + (1...3).map { "layer sky \($0)/3" } + ["finish 1/2", "finish 2/2", "decode 1/1"])
    }

    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [String] = []
        var lines: [String] { lock.withLock { entries } }
        func append(_ line: String) { lock.withLock { entries.append(line) } }
    }
}
