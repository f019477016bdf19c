import Foundation
import LDBDocument
import LDBEditing
import LDBImage
import Testing

@Suite("Layer rules")
struct LayerRulesTests {
    let settings = ProjectSettings(width: 64, height: 64, steps: 20, blendSteps: 2, prompt: "p", guidance: 7.5, seed: 1)
    let mask = String(repeating: "a", count: 64)

    @Test func newLayersTakeTheDefaults() {
        let state = ProjectState(settings: settings)
        let layer = Layer.new(in: state, maskSHA256: mask, seed: 9)
        #expect(layer.name == "layer 1")
        #expect(layer.seed == 9)
        #expect(layer.regenSteps == 10)
        #expect(layer.strength == Layer.Defaults.strength && layer.guidance == Layer.Defaults.guidance)
        #expect(layer.opacity == 1 && layer.feather == 0 && !layer.invert && layer.visible)
        // Few steps: still more regen steps than blend steps.
        var short = settings
        (short.steps, short.blendSteps) = (4, 3)
        #expect(Layer.new(in: ProjectState(settings: short), maskSHA256: mask).regenSteps == 4)
        #expect(throws: Never.self) { try ProjectState(settings: settings, layers: [layer]).validate() }
    }

    @Test func namesAreUniqueAndReadable() {
        let layers = [Layer(name: "layer 2", prompt: "", seed: 0, regenSteps: 5, maskSHA256: mask)]
        #expect(LayerNaming.nextName(in: layers) == "layer 3")
        #expect(LayerNaming.nextName(in: []) == "layer 1")
        #expect(ParameterBounds.layerNameProblem("sky") == nil)
        #expect(ParameterBounds.layerNameProblem("")?.contains("empty") == true)
        #expect(ParameterBounds.layerNameProblem("12")?.contains("number") == true)
        #expect(ParameterBounds.layerNameProblem("a\tb")?.contains("control") == true)
        #expect(ParameterBounds.layerNameProblem("a\nb")?.contains("control") == true)
    }

    @Test func changesAreDescribedInUserUnits() {
        let before = Layer(name: "lamp", prompt: "a lamp", seed: 1, regenSteps: 5, strength: 0.9, maskSHA256: mask)
        var after = before
        after.strength = 0.8
        #expect(LayerChanges(from: before, to: after).description == #"set strength of "lamp" 0.9 -> 0.8"#)
        after.seed = 2
        #expect(LayerChanges(from: before, to: after).description == #"set "lamp" seed 1 -> 2, strength 0.9 -> 0.8"#)
        after = before
        after.name = "a\tb"
        #expect(LayerChanges(from: before, to: after).description == #"set name of "lamp" "lamp" -> "a\tb""#)
    }

    /// Values are checked as the Floats the engine computes with: 1e39 is a finite Double but an infinite Float.
    @Test func boundsAreCheckedInFloatPrecision() {
        for value in [1e39, -1, .nan, .infinity, 100.5] {
            #expect(ParameterBounds.floatProblem("guidance", value, in: ParameterBounds.guidance) != nil, "\(value)")
        }
        #expect(ParameterBounds.floatProblem("guidance", 7.5, in: ParameterBounds.guidance) == nil)
        #expect(ParameterBounds.floatProblem("strength", 1e39, in: ParameterBounds.strength)?.contains("0 to 100") == true)
        // The feather bound is the blur's own limit, so an accepted feather always renders.
        #expect(ParameterBounds.feather.upperBound == FloatPlane.maximumBlurSigma)
    }

    @Test func sizesAreBounded() {
        #expect(ParameterBounds.sizeProblem(width: 512, height: 512) == nil)
        #expect(ParameterBounds.sizeProblem(width: 4096, height: 1024) == nil)
        #expect(ParameterBounds.sizeProblem(width: 4096, height: 4096) != nil)
        #expect(ParameterBounds.sizeProblem(width: 4_294_967_296, height: 4_294_967_296)?.contains("4096") == true)
        #expect(ParameterBounds.sizeProblem(width: 61, height: 47) == nil, "any size is padded by the engine")
        #expect(ParameterBounds.sizeProblem(width: 1, height: 1) == nil)
        #expect(ParameterBounds.sizeProblem(width: 0, height: 64) != nil)
    }

    @Test func jsonShapesRoundTrip() throws {
        let layer = Layer(id: 4, name: "sky", prompt: "stars", seed: .max, regenSteps: 5, maskSHA256: mask)
        let json = LayerJSON(layer)
        let data = try JSONEncoder.ldb.encode(json)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""regen_steps" : 5"#) && text.contains(#""mask_sha256""#))
        #expect(try JSONDecoder().decode(LayerJSON.self, from: data) == json)

        let state = ProjectState(settings: settings, layers: [layer])
        let head = Revision(id: 3, parent: 2, description: "add layer", createdAt: Date(timeIntervalSince1970: 0), tags: [])
        let info = ProjectInfoJSON(project: "/p.ldbproj", formatVersion: 2, head: head, state: state,
                                   model: ModelReference(location: "/m", fingerprint: "f"))
        let infoText = String(decoding: try JSONEncoder.ldb.encode(info), as: UTF8.self)
        for key in ["source_image_sha256", "keep_background", "region", "region_margin", "fingerprint", "prediction_type",
                    "head_description"] {
            #expect(infoText.contains("\"\(key)\""), "\(key)")
        }
        #expect(try JSONDecoder().decode(ProjectInfoJSON.self, from: Data(infoText.utf8)) == info)
    }
}
