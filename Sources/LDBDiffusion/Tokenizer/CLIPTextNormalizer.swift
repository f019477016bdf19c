import Foundation

/// The normalizer of transformers' `CLIPTokenizer`: NFC, every whitespace run to one space, lower case.
///
/// Lower-casing maps each scalar on its own (Rust's `char::to_lowercase`), so a final capital sigma
/// becomes σ, not ς, and İ becomes "i" plus a combining dot.
enum CLIPTextNormalizer {
    static func normalize(_ scalars: some Collection<Unicode.Scalar>) -> [Unicode.Scalar] {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars)
        let composed = String(text).precomposedStringWithCanonicalMapping

        var result: [Unicode.Scalar] = []
        result.reserveCapacity(composed.unicodeScalars.count)
        var inWhitespace = false
        for scalar in composed.unicodeScalars {
            if UnicodeCharacterClass(scalar) == .whitespace {
                if !inWhitespace { result.append(" ") }
                inWhitespace = true
                continue
            }
            inWhitespace = false
            result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return result
    }
}
