import Foundation

/// Writes tensors in the safetensors format, byte for byte as the reference implementation
/// (the `safetensors` Python package) lays them out.
///
/// Tensors are stored in name order (compared as UTF-8 bytes), the header is compact JSON with
/// `__metadata__` first and padded with spaces to a multiple of 8 bytes, and the data section follows
/// with no gaps.
public enum SafeTensorsWriter {
    /// Writes `tensors` to `url`, replacing any file there atomically.
    /// - Parameters:
    ///   - tensors: the tensors by name; `__metadata__` is not a valid name.
    ///   - metadata: string pairs for the header's `__metadata__`, omitted when empty. Keys are written
    ///     sorted, so the output is deterministic.
    ///   - dtype: how every tensor is stored: `.float32`, `.float16` or `.bfloat16` (rounded to nearest even).
    ///   - url: the destination.
    public static func write(
        _ tensors: [String: Tensor], metadata: [String: String] = [:], dtype: SafeTensorsDType = .float32,
        to url: URL
    ) throws {
        let bytes = try encode(tensors, metadata: metadata, dtype: dtype, file: url.path)
        do {
            try bytes.write(to: url, options: .atomic)
        } catch {
            throw SafeTensorsError.writeFailed(file: url.path, reason: error.localizedDescription)
        }
    }

    /// The bytes `write` would put in a file.
    /// - Parameter file: the name used in error messages.
    public static func encode(
        _ tensors: [String: Tensor], metadata: [String: String] = [:], dtype: SafeTensorsDType = .float32,
        file: String = "<memory>"
    ) throws -> Data {
        guard [.float32, .float16, .bfloat16].contains(dtype) else {
            throw SafeTensorsError.unsupportedWriteDType(file: file, dtype: dtype)
        }
        if tensors["__metadata__"] != nil {
            throw SafeTensorsError.invalidTensorName(file: file, name: "__metadata__")
        }
        let ordered = tensors.sorted { utf8Order($0.key, $1.key) }

        var header = "{"
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted(by: utf8Order).map { key in
                "\(jsonString(key)):\(jsonString(metadata[key] ?? ""))"
            }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for (name, tensor) in ordered {
            let end = offset + tensor.count * dtype.byteSize
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append(
                "\(jsonString(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += entries.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        headerBytes += repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8)

        var data = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: headerBytes)
        for (_, tensor) in ordered {
            let scalars = tensor.scalars
            switch dtype {
            case .float16: appendLittleEndian(scalars.map(\.float16Bits), to: &data)
            case .bfloat16: appendLittleEndian(scalars.map(\.bfloat16Bits), to: &data)
            default: appendLittleEndian(scalars.map(\.bitPattern), to: &data)
            }
        }
        return data
    }

    private static func appendLittleEndian<Word: FixedWidthInteger>(_ words: [Word], to data: inout Data) {
        words.map(\.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
    }

    private static func utf8Order(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    /// A JSON string literal escaped as serde_json (the reference implementation's JSON library)
    /// escapes it: quotes, backslashes and control characters only, with lowercase hex.
    static func jsonString(_ string: String) -> String {
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
