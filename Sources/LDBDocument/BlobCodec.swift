import Crypto
import CZlib
import Foundation

/// How blob bytes are hashed and compressed on their way into the `blob` table.
enum BlobCodec {
    enum Compression: String {
        case zlib
        /// Used when zlib would not make the bytes smaller (PNG files, already compressed).
        case none
    }

    /// Hex SHA-256 of `data`, lowercase.
    static func sha256Hex(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// Lowercase hexadecimal form of `bytes`.
    static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let hexDigits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The stored form of `data`: zlib-compressed when that is smaller, the bytes themselves otherwise.
    static func encode(_ data: Data) -> (compression: Compression, payload: Data) {
        guard !data.isEmpty, let compressed = deflate(data), compressed.count < data.count else { return (.none, data) }
        return (.zlib, compressed)
    }

    /// The original bytes of a stored blob of `size` uncompressed bytes, or `nil` when the payload is damaged.
    static func decode(_ payload: Data, compression: Compression, size: Int) -> Data? {
        switch compression {
        case .none:
            return payload.count == size ? payload : nil
        case .zlib:
            return inflate(payload, size: size)
        }
    }

    private static func deflate(_ data: Data) -> Data? {
        var capacity = compressBound(uLong(data.count))
        var output = Data(count: Int(capacity))
        let status = output.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { input in
                compress2(
                    out.bindMemory(to: Bytef.self).baseAddress, &capacity,
                    input.bindMemory(to: Bytef.self).baseAddress, uLong(data.count), 6)
            }
        }
        guard status == Z_OK else { return nil }
        output.count = Int(capacity)
        return output
    }

    private static func inflate(_ payload: Data, size: Int) -> Data? {
        // zlib wants a non-null output buffer even for an empty result.
        var output = Data(count: max(size, 1))
        var produced = uLong(size)
        let status = output.withUnsafeMutableBytes { out in
            payload.withUnsafeBytes { input in
                uncompress(
                    out.bindMemory(to: Bytef.self).baseAddress, &produced,
                    input.bindMemory(to: Bytef.self).baseAddress, uLong(payload.count))
            }
        }
        guard status == Z_OK, Int(produced) == size else { return nil }
        output.count = size
        return output
    }
}
