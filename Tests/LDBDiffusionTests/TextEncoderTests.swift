import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// `CLIPTextEncoder` against transformers' `CLIPTextModel` on the tiny models
/// (`Fixtures/reference/*/text_encoder*.safetensors`).
@Suite struct TextEncoderTests {
    /// The reference inputs and outputs of one reference file: for K = 0, 1, `input_ids.K` and `last_hidden_state.K`.
    private func references(_ model: String, _ file: String) throws -> [(ids: [Int], state: Tensor)] {
        let reference = try ModelFolderFixtures.reference(model, file)
        return try (0..<2).map { index in
            (try reference.int64s("input_ids.\(index)").map { Int($0) },
             try reference.tensor("last_hidden_state.\(index)", shape: [1, 77, 32]))
        }
    }

    @Test(arguments: [("tiny-sd1", nil, "text_encoder"), ("tiny-sd2", nil, "text_encoder"),
                      ("tiny-sd1", "fp16", "text_encoder_fp16")] as [(String, String?, String)])
    func matchesTransformers(model: String, variant: String?, referenceFile: String) throws {
        let encoder = try ModelFolder(url: ModelFolderFixtures.model(model)).textEncoder(variant: variant)
        let cases = try references(model, referenceFile)
        for (ids, expected) in cases {
            #expect(ids.count == 77)
            let state = try encoder.encode([ids])
            #expect(state.shape == [1, 77, 32])
            let (difference, tolerance) = ModelFolderFixtures.deviation(state, expected)
            #expect(difference <= tolerance, "\(model) \(referenceFile): max difference \(difference)")
        }

        // A batch gives each item the result it has alone.
        let batch = try encoder.encode(cases.map(\.ids))
        #expect(batch.shape == [2, 77, 32])
        for (index, (_, expected)) in cases.enumerated() {
            let (difference, tolerance) = ModelFolderFixtures.deviation(batch.sliced(index..<(index + 1), axis: 0), expected)
            #expect(difference <= tolerance, "\(model) batch item \(index): max difference \(difference)")
        }
    }

    /// The fp16 reference is out of reach of the fp32 weights, so matching it shows the fp16 file was read.
    @Test func fp16ReferenceTellsTheVariantsApart() throws {
        let encoder = try ModelFolder(url: ModelFolderFixtures.model("tiny-sd1")).textEncoder()
        for (ids, expected) in try references("tiny-sd1", "text_encoder_fp16") {
            let (difference, tolerance) = ModelFolderFixtures.deviation(try encoder.encode([ids]), expected)
            #expect(difference > 2 * tolerance)
        }
    }

    @Test func causalMaskKeepsEarlierPositionsIndependentOfLaterTokens() throws {
        let encoder = try ModelFolder(url: ModelFolderFixtures.model("tiny-sd2")).textEncoder()
        let first = try encoder.encode([[2512, 320, 1125, 539, 2513]])
        let second = try encoder.encode([[2512, 320, 1125, 700, 1000]])
        let prefix = 3 * 32
        #expect(Array(first.scalars.prefix(prefix)) == Array(second.scalars.prefix(prefix)))
        #expect(first.scalars[prefix...] != second.scalars[prefix...])
    }

    @Test func rejectsInvalidTokenSequences() throws {
        let encoder = try ModelFolder(url: ModelFolderFixtures.model("tiny-sd1")).textEncoder()
        let cases: [(ids: [[Int]], mentions: String)] = [
            ([], "no tokens"),
            ([[1, 2, 2514]], "2514"),
            ([[1, -1]], "-1"),
            ([[1, 2, 3], [1, 2]], "sequence 1"),
            ([Array(repeating: 1, count: 78)], "max_position_embeddings"),
        ]
        for (ids, mentions) in cases {
            #expect {
                _ = try encoder.encode(ids)
            } throws: { error in
                guard let error = error as? ModelError, case .invalidInput = error else { return false }
                return error.description.contains(mentions)
            }
        }
    }
}
