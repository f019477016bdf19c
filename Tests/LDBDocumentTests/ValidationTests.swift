import Foundation
import Testing
@testable import LDBDocument

@Suite struct ValidationTests {
    private let mask = String(repeating: "c", count: 64)

    private func state(_ change: (inout ProjectState) -> Void) -> ProjectState {
        var state = ProjectState(settings: testSettings(), layers: [testLayer("sky", mask: mask)])
        change(&state)
        return state
    }

    /// The message of the `invalidParameter` error `state.validate()` throws, or nil.
    private func message(_ state: ProjectState) -> String? {
        do {
            try state.validate()
            return nil
        } catch DocumentError.invalidParameter(let message) {
            return message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func aValidStatePasses() throws {
        try state { _ in }.validate()
        try state { $0.layers[0].regenSteps = 20 }.validate()
        try state { $0.layers[0].opacity = 0; $0.layers[0].strength = 0; $0.layers[0].guidance = 0 }.validate()
    }

    @Test func invalidSettingsNameTheField() {
        let cases: [(field: String, change: (inout ProjectSettings) -> Void)] = [
            ("width", { $0.width = -8 }),
            ("height", { $0.height = 0 }),
            ("steps", { $0.steps = 1001 }),
            ("blend steps", { $0.blendSteps = 20 }),
            ("blend steps", { $0.blendSteps = 0 }),
            ("guidance", { $0.guidance = -1 }),
            ("guidance", { $0.guidance = .nan }),
            ("guidance", { $0.guidance = 1e39 }),
            ("guidance", { $0.guidance = 101 }),
            ("width", { $0.width = 4104 }),
            ("4096", { $0.width = 4_294_967_296; $0.height = 4_294_967_296 }),
            ("2048x2048", { $0.width = 4096; $0.height = 2048 }),
            ("seed", { $0.seed = nil }),
            ("source image", { $0.sourceImageSHA256 = String(repeating: "d", count: 64) }),
        ]
        for (field, change) in cases {
            let found = message(state { change(&$0.settings) })
            #expect(found?.hasPrefix("project ") == true, "\(String(describing: found))")
            #expect(found?.contains(field) == true, "\(String(describing: found)) should name \(field)")
        }
    }

    @Test func invalidLayersNameTheLayerAndField() {
        let cases: [(field: String, change: (inout Layer) -> Void)] = [
            ("regen steps", { $0.regenSteps = 2 }),
            ("regen steps", { $0.regenSteps = 21 }),
            ("strength", { $0.strength = -0.1 }),
            ("strength", { $0.strength = .infinity }),
            ("guidance", { $0.guidance = -1 }),
            ("opacity", { $0.opacity = 1.01 }),
            ("opacity", { $0.opacity = -0.5 }),
            ("feather", { $0.feather = -2 }),
            ("feather", { $0.feather = .nan }),
            ("feather", { $0.feather = 1e9 }),
            ("strength", { $0.strength = 1e39 }),
            ("guidance", { $0.guidance = 1e39 }),
            ("opacity", { $0.opacity = .infinity }),
            ("mask", { $0.maskSHA256 = "not a hash" }),
            ("name", { $0.name = "42" }),
        ]
        for (field, change) in cases {
            let found = message(state { change(&$0.layers[0]) })
            #expect(found?.contains("layer '") == true, "\(String(describing: found))")
            #expect(found?.contains(field) == true, "\(String(describing: found)) should name \(field)")
        }
    }

    @Test func emptyDuplicateAndUnprintableNamesAreRefused() {
        #expect(message(state { $0.layers[0].name = "" })?.contains("name") == true)
        for name in ["a\tb", "a\nb", "\u{7F}"] {
            #expect(message(state { $0.layers[0].name = name })?.contains("control characters") == true)
        }
        let duplicated = state { $0.layers.append(testLayer("sky", mask: mask)) }
        #expect(throws: DocumentError.duplicateLayerName("sky")) { try duplicated.validate() }
    }

    @Test func aBaseIsEitherGeneratedOrARealImage() {
        let both = state { $0.settings.sourceImageSHA256 = String(repeating: "e", count: 64) }
        #expect(message(both)?.contains("both") == true)
        let real = state {
            $0.settings.seed = nil
            $0.settings.sourceImageSHA256 = String(repeating: "e", count: 64)
        }
        #expect(message(real) == nil)
    }
}
