import Foundation
import LDBDiffusion
import LDBDocument
import LDBTensor
import Testing
@testable import LDBEngine

/// An engine whose networks keep their weights in half precision renders what the model's fp16 weights render,
/// and never shares cache entries with float32 weights, which compute other numbers.
@Suite struct HalfPrecisionWeightsTests {
    @Test func weightPrecisionIsPartOfTheModelsIdentity() {
        let fingerprint = String(repeating: "a", count: 64)
        let settings = EngineFixtures.generatedSettings()
        let float32 = CacheKeys(modelFingerprint: fingerprint, variant: nil, scheduler: SchedulerConfig())
        let explicit = CacheKeys(modelFingerprint: fingerprint, variant: nil, weightPrecision: .float32,
                                 scheduler: SchedulerConfig())
        let half = CacheKeys(modelFingerprint: fingerprint, variant: nil, weightPrecision: .float16,
                             scheduler: SchedulerConfig())
        #expect(explicit.base(settings) == float32.base(settings))
        #expect(half.base(settings) != float32.base(settings))
    }

    @Test func halfPrecisionRenderMissesFloat32CachesAndMatchesTheFP16Variant() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addTwoLayers(project)

        let float32 = try Engine.open(project: project).render()
        let half = try Engine.open(project: project, weightPrecision: .float16).render()
        #expect(half.stats.unetCalls == float32.stats.unetCalls && half.stats.unetCalls > 0)
        #expect(half.latent != float32.latent)
        #expect(try Engine.open(project: project, weightPrecision: .float16).render().stats.unetCalls == 0)

        // tiny-sd1's fp16 files hold the UNet and the text encoder, which make the latent.
        let other = try EngineFixtures.project(in: folder, name: "fp16.ldbproj")
        try EngineFixtures.addTwoLayers(other)
        let model = EngineFixtures.model("tiny-sd1")
        let fp16Files = try Engine(project: other,
                                   pipeline: StableDiffusionPipeline(model: ModelFolder(url: model), variant: "fp16"),
                                   modelFingerprint: ModelReference.fingerprint(of: model)).render()
        #expect(half.latent == fp16Files.latent)
    }
}
