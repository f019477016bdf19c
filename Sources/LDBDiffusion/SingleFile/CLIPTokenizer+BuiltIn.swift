import Foundation

extension CLIPTokenizer {
    /// The copy of OpenAI CLIP's `bpe_simple_vocab_16e6.txt.gz` shipped in this package.
    public static var builtInVocabularyURL: URL? {
        Bundle.module.url(forResource: "bpe_simple_vocab_16e6.txt", withExtension: "gz")
    }

    /// CLIP's full 49 408-token tokenizer from the vocabulary shipped in this package, as Stable Diffusion
    /// checkpoints use it: `padToken` is `<|endoftext|>` for SD 1.x and `!` for SD 2.x.
    /// - Throws: `TokenizerError` when the package's resource is missing or damaged.
    public static func builtIn(padToken: String) throws(TokenizerError) -> CLIPTokenizer {
        guard let url = builtInVocabularyURL else {
            throw .missingFile(Bundle.module.bundleURL.appendingPathComponent("bpe_simple_vocab_16e6.txt.gz"))
        }
        return try CLIPTokenizer(bpeFile: url, padToken: padToken)
    }
}
