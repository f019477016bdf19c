import Foundation
import LDBDiffusion
import LDBDocument
import LDBEditing
import Testing

/// Settings the document accepts but the model could not render are found from the model's configs.
@Suite("Model constraints")
struct ModelConstraintsTests {
    static let tinySD1 = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/models/tiny-sd1")

    func settings(steps: Int, image: Bool = false) -> ProjectSettings {
        ProjectSettings(width: 64, height: 64, steps: steps, blendSteps: 1, prompt: "p", guidance: 7.5,
                        seed: image ? nil : 1, sourceImageSHA256: image ? String(repeating: "a", count: 64) : nil)
    }

    @Test func stepsMustStayInsideTheSchedule() throws {
        let constraints = try ModelConstraints(location: .folder(Self.tinySD1), predictionType: nil)
        try constraints.check(settings(steps: 50))
        try constraints.check(settings(steps: 999, image: true))
        // Leading spacing with steps_offset 1: 1000 steps reach timestep 1000, outside 0...999.
        let error = #expect(throws: EditingError.self) { try constraints.check(settings(steps: 1000)) }
        #expect(error?.description.contains("timestep 1000") == true)
        // Out of the document's bounds: the document's message, not the model's.
        try constraints.check(settings(steps: 0))
    }

    @Test func aFolderThatIsNotAModelIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ldb-not-a-model-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = #expect(throws: EditingError.self) {
            try ModelConstraints(location: .folder(folder), predictionType: nil)
        }
        #expect(error?.description.contains("model_index.json") == true)
    }

    @Test func aPredictionTypeAgainstTheFolderIsRefused() {
        let error = #expect(throws: EditingError.self) {
            try ModelConstraints(location: .folder(Self.tinySD1), predictionType: .vPrediction)
        }
        #expect(error?.description.contains("v_prediction") == true)
    }

    @Test func longPromptsWarnWithTheDroppedCount() throws {
        let constraints = try ModelConstraints(location: .folder(Self.tinySD1), predictionType: nil)
        let long = Array(repeating: "a", count: 80).joined(separator: " ")
        let warnings = constraints.promptWarnings([("--prompt", long), ("--negative", "short"), ("--x", nil)])
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("--prompt") == true)
        #expect(constraints.droppedTokenCount(long) == 80 - 75)
        #expect(warnings.first?.contains("last \(80 - 75) tokens") == true)
    }
}
