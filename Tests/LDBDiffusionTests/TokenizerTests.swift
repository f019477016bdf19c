import Foundation
import Testing
@testable import LDBDiffusion

/// Token ids against transformers 5.24's `CLIPTokenizer`, as diffusers calls it
/// (Fixtures/scripts/tokenizer_fixtures.py wrote Fixtures/tokenizer/expected_ids.json).
@Suite struct TokenizerTests {
    private static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    private static let bpeFile = fixtures.appendingPathComponent("clip/bpe_simple_vocab_16e6.txt.gz")

    private struct Expected: Decodable {
        let prompts: [String]
        let expected: [String: [[Int]]]
    }

    private static func expected() throws -> Expected {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("tokenizer/expected_ids.json"))
        return try JSONDecoder().decode(Expected.self, from: data)
    }

    private static func tokenizer(named name: String) throws -> CLIPTokenizer {
        switch name {
        case "clip-sd1": try CLIPTokenizer(bpeFile: bpeFile, padToken: "<|endoftext|>")
        case "clip-sd2": try CLIPTokenizer(bpeFile: bpeFile, padToken: "!")
        case "tiny-sd1", "tiny-sd2": try CLIPTokenizer(folder: fixtures.appendingPathComponent("models/\(name)/tokenizer"))
        default: try CLIPTokenizer(folder: fixtures.appendingPathComponent("tokenizer/\(name)"))
        }
    }

    @Test(arguments: ["clip-sd1", "clip-sd2", "ascii-sd2-legacy", "ascii-sd1-decoder", "tiny-sd1", "tiny-sd2"])
    func idsMatchTransformers(_ name: String) throws {
        let reference = try Self.expected()
        let expectedIDs = try #require(reference.expected[name], "no reference ids for \(name)")
        let tokenizer = try Self.tokenizer(named: name)
        #expect(expectedIDs.count == reference.prompts.count)
        for (prompt, ids) in zip(reference.prompts, expectedIDs) {
            #expect(tokenizer.encode(prompt) == ids, "\(name): \(prompt.debugDescription)")
        }
    }

    @Test func realVocabularyHasCLIPShape() throws {
        let sd1 = try CLIPTokenizer(bpeFile: Self.bpeFile, padToken: "<|endoftext|>")
        #expect(sd1.vocabularySize == 49408)
        #expect(sd1.startTokenID == 49406)
        #expect(sd1.endTokenID == 49407)
        #expect(sd1.padTokenID == 49407)
        #expect(sd1.maxLength == 77)
        let sd2 = try CLIPTokenizer(bpeFile: Self.bpeFile, padToken: "!")
        #expect(sd2.padTokenID == 0)
    }

    @Test func longPromptKeepsEndTokenAndPadsShortOnes() throws {
        let tokenizer = try CLIPTokenizer(bpeFile: Self.bpeFile, padToken: "!")
        let long = tokenizer.encode(String(repeating: "cat ", count: 100))
        #expect(long.count == 77)
        #expect(long.first == tokenizer.startTokenID)
        #expect(long.last == tokenizer.endTokenID)
        let short = tokenizer.encode("cat")
        #expect(short.count == 77)
        #expect(short[2] == tokenizer.endTokenID)
        #expect(short[3...].allSatisfy { $0 == tokenizer.padTokenID })
    }

    // MARK: - Errors

    private func temporaryFolder(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ldb-tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, contents) in files {
            try Data(contents.utf8).write(to: folder.appendingPathComponent(name))
        }
        return folder
    }

    private static let tinyVocabulary =
        #"{"a": 0, "b": 1, "a</w>": 2, "b</w>": 3, "ab</w>": 4, "<|startoftext|>": 5, "<|endoftext|>": 6}"#

    @Test func missingVocabularyNamesTheFile() throws {
        let folder = try temporaryFolder(["merges.txt": "#version: 0.2\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: TokenizerError.missingFile(folder.appendingPathComponent("vocab.json"))) {
            try CLIPTokenizer(folder: folder)
        }
    }

    @Test func corruptVocabularyIsAClearError() throws {
        let folder = try temporaryFolder(["vocab.json": "{\"a\": \"zero\"}", "merges.txt": ""])
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try #require(throws: TokenizerError.self) { try CLIPTokenizer(folder: folder) }
        guard case .malformedJSON(let url, _) = error else { Issue.record("unexpected \(error)"); return }
        #expect(url.lastPathComponent == "vocab.json")
        #expect(error.description.contains("vocab.json"))
    }

    @Test func malformedMergeLineIsReportedWithItsNumber() throws {
        let folder = try temporaryFolder(["vocab.json": Self.tinyVocabulary, "merges.txt": "#version: 0.2\na b</w>\na  b\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: TokenizerError.malformedMerge(folder.appendingPathComponent("merges.txt"), line: 3, text: "a  b")) {
            try CLIPTokenizer(folder: folder)
        }
    }

    @Test func mergeOutsideVocabularyIsReported() throws {
        let folder = try temporaryFolder(["vocab.json": Self.tinyVocabulary, "merges.txt": "#version: 0.2\na b\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let merges = folder.appendingPathComponent("merges.txt")
        #expect(throws: TokenizerError.mergeOutsideVocabulary(merges, line: 2, symbol: "ab")) {
            try CLIPTokenizer(folder: folder)
        }
    }

    @Test func paddingTokenMustBeInTheVocabulary() throws {
        let folder = try temporaryFolder([
            "vocab.json": Self.tinyVocabulary, "merges.txt": "a b</w>\n",
            "special_tokens_map.json": #"{"pad_token": "<pad>"}"#,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: TokenizerError.specialTokenOutsideVocabulary(role: "padding", token: "<pad>", source: folder)) {
            try CLIPTokenizer(folder: folder)
        }
    }

    @Test func smallFolderTokenizesWithItsMerges() throws {
        let folder = try temporaryFolder(["vocab.json": Self.tinyVocabulary, "merges.txt": "#version: 0.2\na b</w>\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenizer = try CLIPTokenizer(folder: folder)
        // "ab" merges; "ba" has no rule; "c" is unknown and becomes <|endoftext|> (6).
        #expect(tokenizer.tokenIDs("AB ba c") == [4, 1, 2, 6])
        #expect(tokenizer.maxLength == 77)
        #expect(tokenizer.padTokenID == 6)
    }

    @Test func unsupportedAddedTokenOptionIsRejected() throws {
        let folder = try temporaryFolder([
            "vocab.json": Self.tinyVocabulary, "merges.txt": "",
            "tokenizer_config.json":
                #"{"added_tokens_decoder": {"6": {"content": "<|endoftext|>", "single_word": true, "special": true}}}"#,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("tokenizer_config.json")
        #expect(throws: TokenizerError.unsupportedAddedToken(token: "<|endoftext|>", option: "single_word", source: config)) {
            try CLIPTokenizer(folder: folder)
        }
    }

    /// transformers writes 1e30 as `model_max_length` when a tokenizer sets no limit (many community repos):
    /// the text encoder's positions are the limit then.
    @Test func unlimitedMaxLengthUsesTheTextEncoderPositions() throws {
        let folder = try temporaryFolder([
            "vocab.json": Self.tinyVocabulary, "merges.txt": "",
            "tokenizer_config.json": #"{"model_max_length": 1000000000000000019884624838656}"#,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLIPTokenizer(folder: folder).maxLength == 77)
        #expect(try CLIPTokenizer(folder: folder, textEncoderPositions: 64).maxLength == 64)
        #expect(try CLIPTokenizer(folder: folder).encode("a b").count == 77)
    }

    @Test func fractionalMaxLengthIsRejected() throws {
        let folder = try temporaryFolder([
            "vocab.json": Self.tinyVocabulary, "merges.txt": "",
            "tokenizer_config.json": #"{"model_max_length": 7.5}"#,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = try #require(throws: TokenizerError.self) { try CLIPTokenizer(folder: folder) }
        guard case .invalidMaxLength = error else { Issue.record("unexpected \(error)"); return }
    }

    @Test func droppedTokensAreCounted() throws {
        let folder = try temporaryFolder([
            "vocab.json": Self.tinyVocabulary, "merges.txt": "", "tokenizer_config.json": #"{"model_max_length": 5}"#,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenizer = try CLIPTokenizer(folder: folder)
        #expect(tokenizer.tokenIDs("a b a b a").count == 5)
        #expect(tokenizer.droppedTokenCount("a b a b a") == 2)
        #expect(tokenizer.droppedTokenCount("a") == 0)
    }

    @Test func bpeFileThatIsNotGzipIsCorrupt() throws {
        let folder = try temporaryFolder(["plain.txt.gz": "not compressed at all"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("plain.txt.gz")
        let error = try #require(throws: TokenizerError.self) { try CLIPTokenizer(bpeFile: file, padToken: "!") }
        guard case .corruptBPEFile(let url, _) = error else { Issue.record("unexpected \(error)"); return }
        #expect(url == file)
    }

    @Test func truncatedBPEFileIsCorrupt() throws {
        let bytes = try Data(contentsOf: Self.bpeFile)
        let folder = try temporaryFolder([:])
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("short.txt.gz")
        try bytes.prefix(bytes.count / 2).write(to: file)
        #expect(throws: TokenizerError.corruptBPEFile(file, reason: "the compressed data ends early")) {
            try CLIPTokenizer(bpeFile: file, padToken: "!")
        }
    }

    @Test func bpeFileWithTooFewMergesIsCorrupt() throws {
        let folder = try temporaryFolder([:])
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("few.txt.gz")
        // Python's gzip.compress(b"#version\ni n\n", mtime=0): a valid file with a single merge line.
        let gzip: [UInt8] = [
            0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x53, 0x2E, 0x4B, 0x2D, 0x2A, 0xCE, 0xCC,
            0xCF, 0xE3, 0xCA, 0x54, 0xC8, 0xE3, 0x02, 0x00, 0x2B, 0x75, 0x7A, 0x7F, 0x0D, 0x00, 0x00, 0x00,
        ]
        try Data(gzip).write(to: file)
        let error = try #require(throws: TokenizerError.self) { try CLIPTokenizer(bpeFile: file, padToken: "!") }
        #expect(error.description.contains("merge lines"))
    }
}
