/// Splits normalized text into the words that byte-pair encoding sees, as transformers' `CLIPTokenizer`
/// does in two stages:
///
/// 1. CLIP's pattern keeps its matches and drops the rest (whitespace):
///    `<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`
/// 2. The byte-level pre-tokenizer splits each match again with GPT-2's pattern
///    `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
///    Matches of stage 1 hold no whitespace, so this only changes the two literal special-token
///    spellings (`<|endoftext|>` becomes `<|`, `endoftext`, `|>`), which reach it when they were not
///    matched as added tokens (for example `<|ENDOFTEXT|>` where that token is not normalized).
enum CLIPPreTokenizer {
    static func words(in text: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        clipPieces(text[...]).flatMap(gpt2Pieces)
    }

    private static let literals: [[Unicode.Scalar]] =
        ["<|startoftext|>", "<|endoftext|>"].map { Array($0.unicodeScalars) }
    private static let contractions: [[Unicode.Scalar]] =
        ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"].map { Array($0.unicodeScalars) }
    private static let clipPrefixes = literals + contractions

    /// Stage 1. Regex alternation takes the first alternative that matches at a position, not the longest.
    private static func clipPieces(_ text: ArraySlice<Unicode.Scalar>) -> [ArraySlice<Unicode.Scalar>] {
        var pieces: [ArraySlice<Unicode.Scalar>] = []
        var start = text.startIndex
        while start < text.endIndex {
            if let literal = clipPrefixes.first(where: { text[start...].starts(with: $0) }) {
                pieces.append(text[start..<(start + literal.count)])
                start += literal.count
                continue
            }
            switch UnicodeCharacterClass(text[start]) {
            case .whitespace:
                start += 1
            case .number:
                pieces.append(text[start...start])
                start += 1
            case let runClass:
                let end = runEnd(text, from: start, of: runClass)
                pieces.append(text[start..<end])
                start = end
            }
        }
        return pieces
    }

    /// Stage 2, for text without whitespace: contractions, then runs of letters, numbers or others.
    private static func gpt2Pieces(_ text: ArraySlice<Unicode.Scalar>) -> [[Unicode.Scalar]] {
        var pieces: [[Unicode.Scalar]] = []
        var start = text.startIndex
        while start < text.endIndex {
            if let contraction = contractions.first(where: { text[start...].starts(with: $0) }) {
                pieces.append(Array(text[start..<(start + contraction.count)]))
                start += contraction.count
                continue
            }
            let end = runEnd(text, from: start, of: UnicodeCharacterClass(text[start]))
            pieces.append(Array(text[start..<end]))
            start = end
        }
        return pieces
    }

    private static func runEnd(_ text: ArraySlice<Unicode.Scalar>, from start: Int, of runClass: UnicodeCharacterClass) -> Int {
        var end = start
        while end < text.endIndex, UnicodeCharacterClass(text[end]) == runClass { end += 1 }
        return end
    }
}
