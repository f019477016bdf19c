import Foundation

extension CLIPTokenizer {
    /// Loads the tokenizer of a diffusers model folder's `tokenizer/` directory: `vocab.json`,
    /// `merges.txt`, and the optional `tokenizer_config.json` and `special_tokens_map.json`.
    ///
    /// Special tokens are resolved as transformers 5.24 resolves them. When `tokenizer_config.json` has
    /// `added_tokens_decoder` (files saved by recent transformers), its entries are the added tokens and
    /// `special_tokens_map.json` is not read. Otherwise (the files SD 1.x and 2.x ship) the values of
    /// `special_tokens_map.json` override those of `tokenizer_config.json`, and the named tokens become the
    /// added tokens (see `SpecialTokenEntry.addedTokens(from:)`).
    ///
    /// `model_max_length` is capped at `textEncoderPositions`, the text encoder's `max_position_embeddings`:
    /// transformers writes 1000000000000000019884624838656 there when a tokenizer has no limit of its own, and
    /// the encoder cannot see more tokens than it has positions anyway.
    /// - Throws: `TokenizerError` naming the file that is missing or malformed.
    public init(folder: URL, textEncoderPositions: Int = 77) throws(TokenizerError) {
        let vocabularyURL = folder.appendingPathComponent("vocab.json")
        let mergesURL = folder.appendingPathComponent("merges.txt")
        let configURL = folder.appendingPathComponent("tokenizer_config.json")
        let specialMapURL = folder.appendingPathComponent("special_tokens_map.json")

        let vocabularyData = try readTokenizerFile(vocabularyURL)
        let vocabulary: [String: Int]
        do {
            vocabulary = try JSONDecoder().decode([String: Int].self, from: vocabularyData)
        } catch {
            throw .malformedJSON(vocabularyURL, reason: "expected an object of token to id: \(error)")
        }
        let (merges, lineNumbers) = try Self.readMerges(mergesURL)

        let config = try TokenizerConfiguration.load(configURL)
        let (names, addedTokens) = try Self.specialTokens(
            config: config, configURL: configURL, specialMapURL: specialMapURL)

        var maxLength = textEncoderPositions
        if let value = config?.modelMaxLength {
            guard value >= 2, value.rounded() == value else { throw .invalidMaxLength(configURL, value: value) }
            if value < Double(textEncoderPositions) { maxLength = Int(value) }
        }

        try self.init(
            vocabulary: vocabulary,
            merges: merges,
            mergeError: { index, symbol in
                .mergeOutsideVocabulary(mergesURL, line: lineNumbers[index], symbol: symbol)
            },
            names: names,
            addedTokens: addedTokens,
            maxLength: maxLength,
            source: folder
        )
    }

    /// The spellings of the named special tokens and the added tokens, as transformers derives them.
    private static func specialTokens(
        config: TokenizerConfiguration?, configURL: URL, specialMapURL: URL
    ) throws(TokenizerError) -> (SpecialTokenNames, [AddedToken]) {
        if let decoder = config?.addedTokensDecoder {
            let named = [config?.bosToken, config?.eosToken, config?.unkToken, config?.padToken]
            let entries = decoder.compactMap { key, value in Int(key).map { ($0, value) } }.sorted { $0.0 < $1.0 }
            var addedTokens = try entries.map { (_, object) throws(TokenizerError) in
                try addedToken(object, normalizedByDefault: !(object.special ?? false), source: configURL)
            }
            for case let value? in named where !addedTokens.contains(where: { $0.content == value.content }) {
                addedTokens.append(try addedToken(value, source: configURL))
            }
            return (SpecialTokenNames(bosEosUnkPad: named), addedTokens)
        }

        let specialMap = try TokenizerConfiguration.load(specialMapURL)
        let named = [
            specialMap?.bosToken ?? config?.bosToken,
            specialMap?.eosToken ?? config?.eosToken,
            specialMap?.unkToken ?? config?.unkToken,
            specialMap?.padToken ?? config?.padToken,
        ]
        let names = SpecialTokenNames(bosEosUnkPad: named)
        // A token that no file names is CLIPTokenizer's default, a bare string.
        let defaults = [names.start, names.end, names.unknown, names.pad].map(SpecialTokenEntry.plain)
        var entries: [SpecialTokenEntry] = []
        for (value, fallback) in zip(named, defaults) {
            entries.append(try value.map { value throws(TokenizerError) in try entry(value, source: configURL) } ?? fallback)
        }
        return (names, SpecialTokenEntry.addedTokens(from: entries))
    }

    /// The merge rules of a `merges.txt`, and the line each came from. A first line starting with
    /// `#version` and empty lines are skipped.
    private static func readMerges(_ url: URL) throws(TokenizerError) -> ([(String, String)], [Int]) {
        guard let text = String(data: try readTokenizerFile(url), encoding: .utf8) else {
            throw .unreadableFile(url, reason: "not UTF-8 text")
        }
        var merges: [(String, String)] = []
        var lineNumbers: [Int] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.isEmpty || (index == 0 && line.hasPrefix("#version")) { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw .malformedMerge(url, line: index + 1, text: String(line))
            }
            merges.append((String(parts[0]), String(parts[1])))
            lineNumbers.append(index + 1)
        }
        return (merges, lineNumbers)
    }

    private static func entry(
        _ value: TokenizerConfiguration.TokenValue, source: URL
    ) throws(TokenizerError) -> SpecialTokenEntry {
        switch value {
        case .plain(let content): .plain(content)
        case .object(let object): .token(try addedToken(object, normalizedByDefault: false, source: source))
        }
    }

    private static func addedToken(
        _ value: TokenizerConfiguration.TokenValue, source: URL
    ) throws(TokenizerError) -> AddedToken {
        switch value {
        case .plain(let content): AddedToken(content: content, normalized: false)
        case .object(let object): try addedToken(object, normalizedByDefault: false, source: source)
        }
    }

    private static func addedToken(
        _ object: TokenizerConfiguration.TokenObject, normalizedByDefault: Bool, source: URL
    ) throws(TokenizerError) -> AddedToken {
        if object.singleWord == true {
            throw .unsupportedAddedToken(token: object.content, option: "single_word", source: source)
        }
        return AddedToken(content: object.content, normalized: object.normalized ?? normalizedByDefault)
    }
}

extension SpecialTokenNames {
    /// The spellings of configured bos, eos, unk and pad values (in that order), with CLIP's defaults
    /// for those that are absent.
    init(bosEosUnkPad values: [TokenizerConfiguration.TokenValue?]) {
        self.init()
        let contents = values.map { $0?.content }
        if contents.count == 4 {
            start = contents[0] ?? start
            end = contents[1] ?? end
            unknown = contents[2] ?? unknown
            pad = contents[3] ?? pad
        }
    }
}
