/// The byte-to-character map of GPT-2 and CLIP (`bytes_to_unicode`).
///
/// Every byte gets a printable character so that a BPE vocabulary can spell any UTF-8 text: printable
/// Latin-1 bytes stand for themselves, the others are moved to U+0100 and up, in byte order.
enum ByteLevelAlphabet {
    /// The character standing for each byte, indexed by the byte.
    static let symbolForByte: [Unicode.Scalar] = {
        var symbols = [Unicode.Scalar](repeating: " ", count: 256)
        var shifted: UInt32 = 256
        for byte in 0..<256 {
            if isPrintable(byte) {
                symbols[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                // 256 + n lies below the surrogates, so the scalar always exists.
                symbols[byte] = Unicode.Scalar(shifted) ?? " "
                shifted += 1
            }
        }
        return symbols
    }()

    /// The 256 symbols in CLIP's vocabulary order: printable bytes first, then the shifted ones.
    static let vocabularyOrder: [Unicode.Scalar] =
        (0..<256).filter(isPrintable).map { symbolForByte[$0] }
        + (0..<256).filter { !isPrintable($0) }.map { symbolForByte[$0] }

    private static func isPrintable(_ byte: Int) -> Bool {
        (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
    }

    /// The byte-level spelling of `scalars`: one symbol per byte of their UTF-8 encoding.
    static func symbols(for scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var symbols: [Unicode.Scalar] = []
        symbols.reserveCapacity(scalars.count)
        for scalar in scalars {
            UTF8.encode(scalar) { symbols.append(symbolForByte[Int($0)]) }
        }
        return symbols
    }
}
