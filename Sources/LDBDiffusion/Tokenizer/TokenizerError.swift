import Foundation

/// Why a CLIP tokenizer could not be loaded.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    /// A file the tokenizer needs does not exist.
    case missingFile(URL)
    /// A file exists but could not be read.
    case unreadableFile(URL, reason: String)
    /// A JSON file is not valid JSON or does not have the expected shape.
    case malformedJSON(URL, reason: String)
    /// A line of a merges file is not two symbols separated by one space.
    case malformedMerge(URL, line: Int, text: String)
    /// A merge produces (or uses) a symbol that the vocabulary lacks.
    case mergeOutsideVocabulary(URL, line: Int, symbol: String)
    /// The gzipped CLIP BPE file is damaged or too short.
    case corruptBPEFile(URL, reason: String)
    /// A special token (start, end, padding, unknown) is not in the vocabulary.
    case specialTokenOutsideVocabulary(role: String, token: String, source: URL)
    /// An added token uses a matching option this tokenizer does not implement.
    case unsupportedAddedToken(token: String, option: String, source: URL)
    /// `model_max_length` cannot hold a start and an end token, or is absurdly large.
    case invalidMaxLength(URL, value: Double)

    public var description: String {
        switch self {
        case .missingFile(let url):
            return "tokenizer file \(url.path) does not exist"
        case .unreadableFile(let url, let reason):
            return "cannot read tokenizer file \(url.path): \(reason)"
        case .malformedJSON(let url, let reason):
            return "tokenizer file \(url.path) is not valid: \(reason)"
        case .malformedMerge(let url, let line, let text):
            return "\(url.path), line \(line): expected two symbols separated by a space, found \"\(text)\""
        case .mergeOutsideVocabulary(let url, let line, let symbol):
            return "\(url.path), line \(line): symbol \"\(symbol)\" is not in the vocabulary"
        case .corruptBPEFile(let url, let reason):
            return "CLIP BPE file \(url.path) is corrupt: \(reason)"
        case .specialTokenOutsideVocabulary(let role, let token, let source):
            return "\(role) token \"\(token)\" of \(source.path) is not in the vocabulary"
        case .unsupportedAddedToken(let token, let option, let source):
            return "added token \"\(token)\" of \(source.path) uses \(option), which is not supported"
        case .invalidMaxLength(let url, let value):
            return "model_max_length \(value) in \(url.path) must be an integer of at least 2"
        }
    }
}
