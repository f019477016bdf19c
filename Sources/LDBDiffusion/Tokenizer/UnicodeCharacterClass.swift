/// The three character classes of CLIP's splitting pattern, as Oniguruma (the regex engine of
/// Hugging Face `tokenizers`) defines `\s`, `\p{L}` and `\p{N}`.
enum UnicodeCharacterClass: Equatable {
    /// `\s`: the Unicode White_Space property (tab, newline, U+00A0, U+3000, …).
    case whitespace
    /// `\p{L}`: general categories Lu, Ll, Lt, Lm, Lo.
    case letter
    /// `\p{N}`: general categories Nd, Nl, No.
    case number
    /// Everything else: punctuation, symbols, marks, format and control characters.
    case other

    init(_ scalar: Unicode.Scalar) {
        let properties = scalar.properties
        if properties.isWhitespace {
            self = .whitespace
            return
        }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            self = .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            self = .number
        default:
            self = .other
        }
    }
}
