import Foundation

/// The parts of `tokenizer_config.json` and `special_tokens_map.json` that decide how text is tokenized.
struct TokenizerConfiguration: Decodable {
    /// A special-token value: a bare string or an `AddedToken` object.
    enum TokenValue: Decodable {
        case plain(String)
        case object(TokenObject)

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let content = try? container.decode(String.self) {
                self = .plain(content)
            } else {
                self = .object(try container.decode(TokenObject.self))
            }
        }

        var content: String {
            switch self {
            case .plain(let content): content
            case .object(let object): object.content
            }
        }
    }

    /// An `AddedToken` as transformers serializes it. `lstrip` and `rstrip` only swallow the whitespace
    /// around a match, which CLIP's pre-tokenizer drops anyway, so they are read and need no handling.
    struct TokenObject: Decodable {
        let content: String
        let normalized: Bool?
        let special: Bool?
        let singleWord: Bool?

        enum CodingKeys: String, CodingKey {
            case content, normalized, special
            case singleWord = "single_word"
        }
    }

    var bosToken: TokenValue?
    var eosToken: TokenValue?
    var unkToken: TokenValue?
    var padToken: TokenValue?
    var modelMaxLength: Double?
    var addedTokensDecoder: [String: TokenObject]?

    enum CodingKeys: String, CodingKey {
        case bosToken = "bos_token"
        case eosToken = "eos_token"
        case unkToken = "unk_token"
        case padToken = "pad_token"
        case modelMaxLength = "model_max_length"
        case addedTokensDecoder = "added_tokens_decoder"
    }

    /// Reads a configuration file; a missing file is an empty configuration.
    static func load(_ url: URL) throws(TokenizerError) -> TokenizerConfiguration? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data = try readTokenizerFile(url)
        do {
            return try JSONDecoder().decode(TokenizerConfiguration.self, from: data)
        } catch {
            throw .malformedJSON(url, reason: String(describing: error))
        }
    }
}

/// Reads a whole file, naming it in the error.
func readTokenizerFile(_ url: URL) throws(TokenizerError) -> Data {
    guard FileManager.default.fileExists(atPath: url.path) else { throw .missingFile(url) }
    do {
        return try Data(contentsOf: url)
    } catch {
        throw .unreadableFile(url, reason: error.localizedDescription)
    }
}
