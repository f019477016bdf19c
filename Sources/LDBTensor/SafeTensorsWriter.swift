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
    ///   - integers: integer tensors (token ids, timesteps) stored as I64, by name, beside `tensors`.
    ///   - url: the destination.
    public static func write(
        _ tensors: [String: Tensor], metadata: [String: String] = [:], dtype: SafeTensorsDType = .float32,
        integers: [String: IntegerTensor] = [:], to url: URL
    ) throws {
        let bytes = try encode(tensors, metadata: metadata, dtype: dtype, integers: integers, file: url.path)
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
        integers: [String: IntegerTensor] = [:], file: String = "<memory>"
    ) throws -> Data {
        guard [.float32, .float16, .bfloat16].contains(dtype) else {
            throw SafeTensorsError.unsupportedWriteDType(file: file, dtype: dtype)
        }
        // A name may not be the header's own key, nor name both a float and an integer tensor.
        let names = Array(tensors.keys) + Array(integers.keys)
        if let invalid = names.first(where: { $0 == "__metadata__" }) ?? integers.keys.first(where: { tensors[$0] != nil }) {
            throw SafeTensorsError.invalidTensorName(file: file, name: invalid)
        }
        let ordered: [(name: String, entry: Entry)] =
            (tensors.map { ($0.key, Entry.float($0.value)) } + integers.map { ($0.key, Entry.integer($0.value)) })
            .sorted { utf8Order($0.0, $1.0) }

        var header = "{"
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted(by: utf8Order).map { key in
                "\(jsonString(key)):\(jsonString(metadata[key] ?? ""))"
            }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for (name, entry) in ordered {
            let (entryType, shape, count) = switch entry {
            case .float(let tensor): (dtype, tensor.shape, tensor.count)
            case .integer(let integers): (SafeTensorsDType.int64, integers.shape, integers.values.count)
            }
            let end = offset + count * entryType.byteSize
            let dimensions = shape.map(String.init).joined(separator: ",")
            entries.append(
                "\(jsonString(name)):{\"dtype\":\"\(entryType.rawValue)\",\"shape\":[\(dimensions)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += entries.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        headerBytes += repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8)

        var data = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: headerBytes)
        for (_, entry) in ordered {
            switch (entry, dtype) {
            case (.integer(let integers), _): appendLittleEndian(integers.values, to: &data)
            case (.float(let tensor), .float16): appendLittleEndian(tensor.scalars.map(\.float16Bits), to: &data)
            case (.float(let tensor), .bfloat16): appendLittleEndian(tensor.scalars.map(\.bfloat16Bits), to: &data)
            case (.float(let tensor), _): appendLittleEndian(tensor.scalars.map(\.bitPattern), to: &data)
            }
        }
        return data
    }

    /// An integer tensor to be written as I64.
    public struct IntegerTensor: Sendable {
        public var shape: [Int]
        public var values: [Int64]

        /// - Precondition: `values.count` is the product of `shape`.
        public init(shape: [Int], values: [Int64]) {
            precondition(shape.reduce(1, *) == values.count, "shape \(shape) needs \(shape.reduce(1, *)) values")
            (self.shape, self.values) = (shape, values)
        }
    }

    private enum Entry {
        case float(Tensor)
        case integer(IntegerTensor)
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
