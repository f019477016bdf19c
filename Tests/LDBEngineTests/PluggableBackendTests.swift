import Foundation
import LDBDiffusion
import LDBDocument
import LDBEngine
import LDBImage
import LDBTensor
import Testing

/// The engine runs on any `DiffusionBackend`: a project renders through a second backend that shares no code with
/// `StableDiffusionPipeline`, and the backend's identity keeps its cache entries apart from the native backend's.
@Suite struct PluggableBackendTests {
    /// 64 × 96, N = 6, B = 2, unguided, so that each step is one UNet call of one sample.
    static let settings = ProjectSettings(width: EngineFixtures.width, height: EngineFixtures.height, steps: 6,
                                          blendSteps: 2, prompt: "a watercolor lighthouse", guidance: 1, seed: 5)
    static let pixels = EngineFixtures.width * EngineFixtures.height

    static func engine(_ project: Project) throws -> Engine {
        let identity = ModelIdentity(fingerprint: try project.model().fingerprint, backend: "closed-form test")
        return Engine(project: project, backend: ClosedFormBackend(), identity: identity)
    }

    @Test func aProjectRendersThroughAnotherBackend() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder, settings: Self.settings)
        let engine = try Self.engine(project)
        #expect(!engine.modelChanged)

        // DDIM on the closed-form prediction lands on the prompt's colour: the picture is what the backend made.
        let base = try engine.render()
        let colour = try RGBImage(width: 1, height: 1,
                                  tensorValues: ClosedFormBackend.colour(of: Self.settings.prompt)).pixels
        #expect(base.image.width == EngineFixtures.width && base.image.height == EngineFixtures.height)
        for index in 0..<Self.pixels {
            for channel in 0..<3 {
                let difference = Int(base.image.pixels[index * 3 + channel]) - Int(colour[channel])
                #expect(abs(difference) <= 1, "pixel \(index), channel \(channel)")
            }
        }
        #expect(base.stats == RenderStats(unetCalls: 6, unetSamples: 6, unetCells: 6 * Self.pixels, vaeDecodes: 1,
                                          vaeDecodedPixels: Self.pixels,
                                          cacheMisses: [.baseTrajectory: 1, .render: 1]))

        // A layer costs its n − B steps (guided by the layer's default 7.5: two samples each) and the B unguided
        // finish steps, on the backend's 1:1 latent.
        try EngineFixtures.addLayer(project, "roof", prompt: "a red roof", seed: 11, regenSteps: 4,
                                    mask: EngineFixtures.box(x: 16, y: 16, w: 32, h: 32))
        let full = try engine.render()
        #expect(full.stats.unetCalls == 2 + 2 && full.stats.unetCells == (2 * 2 + 2) * Self.pixels)
        #expect(full.latent.shape == [1, 3, EngineFixtures.height, EngineFixtures.width])

        // Crop mode runs on the window: the 32 × 32 box and a margin of 4 on each side.
        let crop = try engine.render(state: nil, region: RegionSetting(mode: .crop, margin: 4))
        #expect(crop.stats.unetCalls == 2 + 2 && crop.stats.unetCells == (2 * 2 + 2) * 40 * 40)
        #expect(crop.stats.hits(.baseTrajectory) == 1)
    }

    @Test func anotherBackendNeitherHitsNorOverwritesTheNativeBackendsCaches() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder, settings: Self.settings)
        try EngineFixtures.addLayer(project, "roof", prompt: "a red roof", seed: 11, regenSteps: 4,
                                    mask: EngineFixtures.box(x: 16, y: 16, w: 32, h: 32))
        let native = try EngineFixtures.engine(project)
        let closedForm = try Self.engine(project)
        #expect(native.identity.fingerprint == closedForm.identity.fingerprint)

        let nativeFirst = try native.render()
        let other = try closedForm.render()
        #expect(other.stats.hits(.baseTrajectory) == 0 && other.stats.misses(.baseTrajectory) == 1)
        #expect(other.stats.misses(.layerResult) == 1 && other.stats.misses(.render) == 1)
        #expect(other.latent.shape != nativeFirst.latent.shape)

        let nativeAgain = try native.render()
        #expect(nativeAgain.stats.hits(.render) == 1 && nativeAgain.stats.unetCalls == 0)
        #expect(nativeAgain.image == nativeFirst.image)
        #expect(try closedForm.render().stats.hits(.render) == 1)
    }
}

/// A test-only backend in closed form, sharing nothing with `StableDiffusionPipeline`: a prompt's embedding is a
/// colour, the noise prediction is the one whose predicted clean sample is that colour everywhere, and the latent
/// is the picture itself (3 channels, one cell per pixel).
struct ClosedFormBackend: DiffusionBackend {
    let schedulerConfig: SchedulerConfig
    let schedule: NoiseSchedule
    var evaluationCounter = UNetEvaluationCounter()

    init() {
        var config = SchedulerConfig()
        config.betaStart = 0.00085
        config.betaEnd = 0.012
        config.betaSchedule = .scaledLinear
        config.clipSample = false
        config.stepsOffset = 1
        // The last step lands on alpha = 1: the clean sample itself.
        config.setAlphaToOne = true
        schedulerConfig = config
        schedule = try! NoiseSchedule(config: config)
    }

    var latentChannels: Int { 3 }
    var latentFactor: Int { 1 }
    var unetSizeMultiple: Int { 1 }

    func counting(into counter: UNetEvaluationCounter) -> ClosedFormBackend {
        var copy = self
        copy.evaluationCounter = counter
        return copy
    }

    /// An RGB colour in [-0.6, 0.6] from the prompt's FNV-1a hash.
    static func colour(of prompt: String) -> [Float] {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in prompt.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return (0..<3).map { channel in Float((hash >> (16 * UInt64(channel))) & 0xFF) / 255 * 1.2 - 0.6 }
    }

    func textEmbeddings(_ prompt: String) throws -> Tensor {
        Tensor(shape: [1, 1, 3], scalars: Self.colour(of: prompt))
    }

    /// eps = (x − sqrt(alpha) x0) / sqrt(1 − alpha), with x0 the embedding's colour; guided as the seam says.
    func noisePrediction(latent: Tensor, timestep: Int, conditional: Tensor, unconditional: Tensor?,
                         guidance: Double) throws -> Tensor {
        let alpha = try #require(schedule.alphaCumprod(at: timestep))
        let plane = latent.shape[2] * latent.shape[3]
        func prediction(_ colour: Tensor) -> [Float] {
            latent.scalars.indices.map { index in
                let channel = (index / plane) % 3
                return (latent.scalars[index] - alpha.squareRoot() * colour.scalars[channel]) / (1 - alpha).squareRoot()
            }
        }
        let conditionalPrediction = prediction(conditional)
        let batch = latent.shape[0]
        guard guidance > 1 else {
            evaluationCounter.recordUNet(batch: batch, height: latent.shape[2], width: latent.shape[3])
            return Tensor(shape: latent.shape, scalars: conditionalPrediction)
        }
        let unconditionalPrediction = prediction(try #require(unconditional))
        evaluationCounter.recordUNet(batch: 2 * batch, height: latent.shape[2], width: latent.shape[3])
        return Tensor(shape: latent.shape, scalars: zip(unconditionalPrediction, conditionalPrediction).map { u, c in
            u + Float(guidance) * (c - u)
        })
    }

    func encode(image: Tensor) throws -> Tensor {
        evaluationCounter.recordEncode()
        return image
    }

    func decode(latent: Tensor) throws -> Tensor {
        evaluationCounter.recordDecode(pixels: latent.shape[0] * latent.shape[2] * latent.shape[3])
        return latent
    }
}
