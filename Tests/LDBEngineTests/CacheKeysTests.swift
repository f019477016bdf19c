import Foundation
import LDBDiffusion
import LDBDocument
import Testing
@testable import LDBEngine

/// Cache keys change with everything a value depends on, and with nothing else.
@Suite struct CacheKeysTests {
    let keys = CacheKeys(modelFingerprint: String(repeating: "a", count: 64), variant: nil, scheduler: SchedulerConfig())
    let settings = EngineFixtures.generatedSettings()
    let layer = Layer(id: 3, name: "roof", prompt: "a red roof", seed: 11, regenSteps: 4,
                      maskSHA256: String(repeating: "b", count: 64))

    @Test func keysAreVersionedAndStable() {
        let base = keys.base(settings)
        #expect(base.hasPrefix("\(CacheKeys.version):base:"))
        #expect(base == CacheKeys(modelFingerprint: String(repeating: "a", count: 64), variant: nil,
                                  scheduler: SchedulerConfig()).base(settings))
        #expect(keys.layer(layer, baseKey: base, blendSteps: 2).hasPrefix("\(CacheKeys.version):layer:"))
        #expect(keys.render(baseKey: base, settings: settings, layerKeys: [], keepBackground: false)
            .hasPrefix("\(CacheKeys.version):render:"))
    }

    /// Each precision computes other numbers: three distinct keys, float32's the same as no precision given.
    @Test func baseKeyFollowsTheWeightPrecision() {
        let bases = WeightPrecision.allCases.map { precision in
            CacheKeys(modelFingerprint: String(repeating: "a", count: 64), variant: nil, weightPrecision: precision,
                      scheduler: SchedulerConfig()).base(settings)
        }
        #expect(Set(bases).count == WeightPrecision.allCases.count)
        #expect(bases[WeightPrecision.allCases.firstIndex(of: .float32)!] == keys.base(settings))
    }

    @Test func baseKeyFollowsTheModelAndTheBaseParameters() {
        let base = keys.base(settings)
        var scheduler = SchedulerConfig()
        scheduler.predictionType = .vPrediction
        let models = [
            CacheKeys(modelFingerprint: String(repeating: "c", count: 64), variant: nil, scheduler: SchedulerConfig()),
            CacheKeys(modelFingerprint: String(repeating: "a", count: 64), variant: "fp16", scheduler: SchedulerConfig()),
            CacheKeys(modelFingerprint: String(repeating: "a", count: 64), variant: nil, scheduler: scheduler),
        ]
        for other in models { #expect(other.base(settings) != base) }

        let changes: [(String, (inout ProjectSettings) -> Void)] = [
            ("prompt", { $0.prompt += "!" }), ("negative", { $0.negativePrompt = "" }), ("guidance", { $0.guidance = 7 }),
            ("seed", { $0.seed = 1235 }), ("steps", { $0.steps = 7 }), ("width", { $0.width = 72 }),
            ("height", { $0.height = 88 }),
        ]
        for (name, change) in changes {
            var changed = settings
            change(&changed)
            #expect(keys.base(changed) != base, "\(name)")
        }
        // The blend steps and keep-background do not change Z.
        var finish = settings
        finish.blendSteps = 3
        finish.keepBackground = true
        #expect(keys.base(finish) == base)
    }

    @Test func layerKeyFollowsTheLayersOwnParametersOnly() {
        let base = keys.base(settings)
        let key = keys.layer(layer, baseKey: base, blendSteps: 2)
        let changes: [(String, (inout Layer) -> Void)] = [
            ("prompt", { $0.prompt += "!" }), ("negative", { $0.negativePrompt = "x" }), ("seed", { $0.seed = 12 }),
            ("regen steps", { $0.regenSteps = 5 }), ("strength", { $0.strength = 0.5 }),
            ("guidance", { $0.guidance = 5 }), ("opacity", { $0.opacity = 0.9 }), ("feather", { $0.feather = 1 }),
            ("invert", { $0.invert = true }), ("mask", { $0.maskSHA256 = String(repeating: "c", count: 64) }),
        ]
        for (name, change) in changes {
            var changed = layer
            change(&changed)
            #expect(keys.layer(changed, baseKey: base, blendSteps: 2) != key, "\(name)")
        }
        var renamed = layer
        renamed.name = "tiles"
        renamed.id = 9
        renamed.visible = false
        #expect(keys.layer(renamed, baseKey: base, blendSteps: 2) == key)
        #expect(keys.layer(layer, baseKey: base, blendSteps: 3) != key)
        #expect(keys.layer(layer, baseKey: keys.base(EngineFixtures.generatedSettings(seed: 1)), blendSteps: 2) != key)
    }

    @Test func renderKeyFollowsTheOrderedLayersAndTheFinish() {
        let base = keys.base(settings)
        let render = keys.render(baseKey: base, settings: settings, layerKeys: ["x", "y"], keepBackground: false)
        #expect(keys.render(baseKey: base, settings: settings, layerKeys: ["y", "x"], keepBackground: false) != render)
        #expect(keys.render(baseKey: base, settings: settings, layerKeys: ["x"], keepBackground: false) != render)
        #expect(keys.render(baseKey: base, settings: settings, layerKeys: ["x", "y"], keepBackground: true) != render)
        var finish = settings
        finish.blendSteps = 3
        #expect(keys.render(baseKey: base, settings: finish, layerKeys: ["x", "y"], keepBackground: false) != render)
    }

    @Test func realImageBaseIgnoresTheFinishParameters() {
        let image = ProjectSettings(width: 96, height: 64, steps: 6, prompt: "a photo", guidance: 1,
                                    sourceImageSHA256: String(repeating: "d", count: 64))
        var finish = image
        finish.guidance = 3
        finish.negativePrompt = "blurry"
        #expect(keys.base(finish) == keys.base(image))
        var other = image
        other.sourceImageSHA256 = String(repeating: "e", count: 64)
        #expect(keys.base(other) != keys.base(image))
        var prompt = image
        prompt.prompt = ""
        #expect(keys.base(prompt) != keys.base(image))
    }
}
