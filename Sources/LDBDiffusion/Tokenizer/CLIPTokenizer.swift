import Foundation

/// The byte-level BPE tokenizer of CLIP, producing exactly the ids of diffusers' Stable Diffusion pipelines.
///
/// The reference is transformers 5.24's `CLIPTokenizer` (backed by Hugging Face `tokenizers`; the slow
/// Python tokenizer and its optional ftfy clean-up no longer exist there) called as the pipelines call it:
/// `tokenizer(prompt, padding="max_length", max_length=77, truncation=True)`. Encoding
/// 1. cuts out the special tokens: those not normalized from the raw text, the others after step 2;
/// 2. normalizes the rest: NFC, each whitespace run to one space, lower case;
/// 3. splits it with CLIP's pattern (`CLIPPreTokenizer`) and spells each piece with byte-level symbols;
/// 4. byte-pair encodes each piece, its last symbol carrying `</w>`;
/// 5. keeps the first `maxLength - 2` ids, wraps them in the start and end tokens and pads.
///
/// For SD 2.x the padding token is "!", which transformers registers as a special token: an "!" in the
/// prompt then encodes as the padding id 0 rather than as BPE's "!</w>" (256). diffusers does this too,
/// so this tokenizer does it as well.
public struct CLIPTokenizer: Sendable {
    /// The number of ids `encode` returns (77 for every Stable Diffusion model).
    public let maxLength: Int
    /// The id of `<|startoftext|>`.
    public let startTokenID: Int
    /// The id of `<|endoftext|>`.
    public let endTokenID: Int
    /// The id that fills the sequence after the end token (`<|endoftext|>` for SD 1.x, "!" for SD 2.x).
    public let padTokenID: Int

    private let encoder: BytePairEncoding
    private let rawTokens: AddedTokenSplitter
    private let normalizedTokens: AddedTokenSplitter

    /// The number of entries of the vocabulary.
    public var vocabularySize: Int { encoder.vocabulary.count }

    /// Assembles a tokenizer from a parsed vocabulary; every loader ends here.
    init(
        vocabulary: [String: Int],
        merges: [(String, String)],
        mergeError: (_ index: Int, _ symbol: String) -> TokenizerError,
        names: SpecialTokenNames,
        addedTokens: [AddedToken],
        maxLength: Int,
        source: URL
    ) throws(TokenizerError) {
        func vocabularyID(_ token: String, role: String) throws(TokenizerError) -> Int {
            guard let id = vocabulary[token] else {
                throw .specialTokenOutsideVocabulary(role: role, token: token, source: source)
            }
            return id
        }
        startTokenID = try vocabularyID(names.start, role: "start")
        endTokenID = try vocabularyID(names.end, role: "end")
        padTokenID = try vocabularyID(names.pad, role: "padding")
        let unknownID = try vocabularyID(names.unknown, role: "unknown")
        var raw: [(content: String, id: Int)] = []
        var normalized: [(content: String, id: Int)] = []
        for token in addedTokens {
            let entry = (token.content, try vocabularyID(token.content, role: "added"))
            if token.normalized { normalized.append(entry) } else { raw.append(entry) }
        }
        encoder = try BytePairEncoding(vocabulary: vocabulary, merges: merges, unknownID: unknownID, missingSymbol: mergeError)
        rawTokens = AddedTokenSplitter(tokens: raw)
        normalizedTokens = AddedTokenSplitter(tokens: normalized)
        self.maxLength = maxLength
    }

    /// The `maxLength` ids of `text`: start token, at most `maxLength - 2` text tokens, end token, padding.
    public func encode(_ text: String) -> [Int] {
        let textIDs = tokenIDs(text).prefix(maxLength - 2)
        var ids = [startTokenID] + textIDs + [endTokenID]
        ids += repeatElement(padTokenID, count: maxLength - ids.count)
        return ids
    }

    /// How many of `text`'s tokens `encode` drops to fit `maxLength` (0 when all fit).
    public func droppedTokenCount(_ text: String) -> Int {
        max(0, tokenIDs(text).count - (maxLength - 2))
    }

    /// The ids of `text` alone, without start, end, truncation or padding.
    public func tokenIDs(_ text: String) -> [Int] {
        var ids: [Int] = []
        for rawSegment in rawTokens.split(Array(text.unicodeScalars)[...]) {
            switch rawSegment {
            case .token(let id):
                ids.append(id)
            case .text(let raw):
                for segment in normalizedTokens.split(CLIPTextNormalizer.normalize(raw)[...]) {
                    switch segment {
                    case .token(let id):
                        ids.append(id)
                    case .text(let normalized):
                        for word in CLIPPreTokenizer.words(in: Array(normalized)) {
                            ids += encoder.ids(forWord: ByteLevelAlphabet.symbols(for: word))
                        }
                    }
                }
            }
        }
        return ids
    }
}

/// The spellings of the four named special tokens.
struct SpecialTokenNames: Sendable {
    var start = "<|startoftext|>"
    var end = "<|endoftext|>"
    var unknown = "<|endoftext|>"
    var pad = "<|endoftext|>"
}
