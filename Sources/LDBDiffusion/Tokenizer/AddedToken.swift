/// A token that is cut out of the text before pre-tokenization, as Hugging Face `tokenizers` does for the
/// special tokens of a CLIP tokenizer (and, for SD 2.x, for its padding token "!").
struct AddedToken: Hashable, Sendable {
    let content: String
    /// Whether the token is looked for in the normalized (lower-cased…) text rather than the raw text.
    let normalized: Bool
}

/// One special-token entry of a tokenizer configuration, before the entries are merged.
enum SpecialTokenEntry: Hashable, Sendable {
    /// A bare string, which transformers turns into a non-normalized special token.
    case plain(String)
    /// An `AddedToken` object with an explicit `normalized` flag.
    case token(AddedToken)

    var content: String {
        switch self {
        case .plain(let content): content
        case .token(let token): token.content
        }
    }

    /// The added tokens that transformers 5.24 registers for named special tokens (bos, eos, unk, pad, in
    /// that order): an entry equal to an earlier one is skipped, and among entries with the same content the
    /// last one sets the flags. SD 1.x, whose padding is the bare string "<|endoftext|>", thus matches the
    /// end token only in raw text; SD 2.x, whose padding is "!", matches it after lower-casing.
    static func addedTokens(from entries: [SpecialTokenEntry]) -> [AddedToken] {
        var distinct: [SpecialTokenEntry] = []
        for entry in entries where !distinct.contains(entry) {
            distinct.append(entry)
        }
        var tokens: [AddedToken] = []
        for entry in distinct {
            let token = switch entry {
            case .plain(let content): AddedToken(content: content, normalized: false)
            case .token(let token): token
            }
            if let index = tokens.firstIndex(where: { $0.content == token.content }) {
                tokens[index] = token
            } else {
                tokens.append(token)
            }
        }
        return tokens
    }
}

/// Cuts added tokens out of text with leftmost-longest matching (the Aho-Corasick mode of `tokenizers`).
struct AddedTokenSplitter: Sendable {
    /// A stretch of text: either plain text or one matched token.
    enum Segment: Equatable {
        case text(ArraySlice<Unicode.Scalar>)
        case token(Int)
    }

    private let patterns: [(scalars: [Unicode.Scalar], id: Int)]

    init(tokens: [(content: String, id: Int)]) {
        patterns = tokens.map { (Array($0.content.unicodeScalars), $0.id) }.filter { !$0.0.isEmpty }
    }

    func split(_ text: ArraySlice<Unicode.Scalar>) -> [Segment] {
        guard !patterns.isEmpty else { return [.text(text)] }
        var segments: [Segment] = []
        var textStart = text.startIndex
        var position = text.startIndex
        while position < text.endIndex {
            let rest = text[position...]
            let match = patterns.filter { rest.starts(with: $0.scalars) }.max { $0.scalars.count < $1.scalars.count }
            guard let match else {
                position += 1
                continue
            }
            if textStart < position { segments.append(.text(text[textStart..<position])) }
            segments.append(.token(match.id))
            position += match.scalars.count
            textStart = position
        }
        if textStart < text.endIndex { segments.append(.text(text[textStart..<text.endIndex])) }
        return segments
    }
}
