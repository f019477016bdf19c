import Foundation
import LDBDocument
import LDBEditing
import Testing

/// One base-settings edit, applied and checked the same way for `ldb set` and the editor's server.
@Suite("Settings edit")
struct SettingsEditTests {
    static let tinySD1 = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/models/tiny-sd1")

    var settings = ProjectSettings(width: 64, height: 64, steps: 4, blendSteps: 1, prompt: "p", guidance: 7.5, seed: 1)

    @Test func appliesOnlyTheGivenValues() throws {
        var edited = settings
        try SettingsEdit(prompt: "q", guidance: 3).apply(to: &edited, model: ModelReference(location: "/nowhere", fingerprint: ""))
        #expect(edited.prompt == "q")
        #expect(edited.guidance == 3)
        #expect(edited.steps == 4)
        #expect(edited.negativePrompt == settings.negativePrompt)
    }

    @Test func stepsAreCheckedAgainstTheModelsSchedule() throws {
        let model = ModelReference(location: Self.tinySD1.path, fingerprint: "")
        var edited = settings
        try SettingsEdit(steps: 999).apply(to: &edited, model: model)
        #expect(edited.steps == 999)
        let error = #expect(throws: EditingError.self) { try SettingsEdit(steps: 1000).apply(to: &edited, model: model) }
        #expect(error?.description.contains("steps 1000") == true)
    }

    @Test func aModelThatIsNotHereIsNotChecked() throws {
        var edited = settings
        try SettingsEdit(steps: 1000).apply(to: &edited, model: ModelReference(location: "/nowhere", fingerprint: ""))
        #expect(edited.steps == 1000)
    }
}
