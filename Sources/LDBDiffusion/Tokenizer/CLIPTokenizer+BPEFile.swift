import Foundation

extension CLIPTokenizer {
    /// The number of merge rules CLIP reads from its BPE file (`49152 - 256 - 2`).
    static let clipMergeCount = 48_894

    /// Loads the vocabulary of OpenAI CLIP from its gzipped merge list (`bpe_simple_vocab_16e6.txt.gz`),
    /// deriving vocabulary and merges as CLIP's `SimpleTokenizer` does: line 0 is a header, the next
    /// 48 894 lines are the merges, and the vocabulary is the 256 byte symbols, the same with `</w>`, each
    /// merge's concatenation, then `<|startoftext|>` and `<|endoftext|>` (49 408 tokens).
    ///
    /// Special tokens follow the configuration that Stable Diffusion's tokenizer folders ship: start,
    /// end and unknown are normalized `AddedToken`s and `padToken` is a bare string, so the result
    /// equals `init(folder:)` on SD 1.x's folder with `padToken: "<|endoftext|>"` and on SD 2.x's folder
    /// with `padToken: "!"`.
    /// - Throws: `TokenizerError` when the file is missing, not gzip, too short, or `padToken` is not a token.
    public init(bpeFile: URL, padToken: String) throws(TokenizerError) {
        let data = try readTokenizerFile(bpeFile)
        let text: String
        do {
            text = try String(decoding: Gzip.decompress(data), as: UTF8.self)
        } catch {
            throw .corruptBPEFile(bpeFile, reason: error.description)
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > Self.clipMergeCount else {
            let found = max(lines.count - 1, 0)
            throw .corruptBPEFile(bpeFile, reason: "has \(found) merge lines, CLIP needs \(Self.clipMergeCount)")
        }
        var merges: [(String, String)] = []
        merges.reserveCapacity(Self.clipMergeCount)
        for (index, line) in lines[1...Self.clipMergeCount].enumerated() {
            let parts = line.split(whereSeparator: \.isWhitespace)
            guard parts.count == 2 else {
                throw .corruptBPEFile(bpeFile, reason: "line \(index + 2) is not two symbols: \"\(line)\"")
            }
            merges.append((String(parts[0]), String(parts[1])))
        }

        let names = SpecialTokenNames(pad: padToken)
        var tokens = ByteLevelAlphabet.vocabularyOrder.map { String($0) }
        tokens += tokens.map { $0 + BytePairEncoding.endOfWord }
        tokens += merges.map { $0.0 + $0.1 }
        tokens += [names.start, names.end]
        // Later duplicates win, as in CLIP's dict(zip(vocab, range(len(vocab)))).
        let vocabulary = Dictionary(tokens.enumerated().map { ($1, $0) }, uniquingKeysWith: { $1 })

        func normalized(_ content: String) -> SpecialTokenEntry {
            .token(AddedToken(content: content, normalized: true))
        }
        let entries = [normalized(names.start), normalized(names.end), normalized(names.unknown), .plain(padToken)]
        try self.init(
            vocabulary: vocabulary,
            merges: merges,
            mergeError: { index, symbol in
                .corruptBPEFile(bpeFile, reason: "line \(index + 2) uses \"\(symbol)\", which no earlier merge makes")
            },
            names: names,
            addedTokens: SpecialTokenEntry.addedTokens(from: entries),
            maxLength: 77,
            source: bpeFile
        )
    }
}
