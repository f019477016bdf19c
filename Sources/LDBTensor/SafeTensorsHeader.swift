import Foundation

/// Where one tensor lives in a safetensors file and what it holds.
public struct SafeTensorsTensorInfo: Sendable, Equatable {
    /// The tensor's name in the header.
    public let name: String
    /// The element type as stored.
    public let dtype: SafeTensorsDType
    /// The extent of each dimension, outermost first; empty for a 0-d tensor.
    public let shape: [Int]
    /// The tensor's bytes, relative to the start of the data section (`data_offsets`).
    public let byteRange: Range<Int>

    /// The number of elements.
    public var elementCount: Int { byteRange.count / dtype.byteSize }
}

/// The parsed and validated JSON header of a safetensors file.
///
/// Validation follows the reference implementation: every tensor's byte count matches its shape and
/// dtype, and the tensors tile the data section exactly, without gaps or overlaps.
struct SafeTensorsHeader {
    let metadata: [String: String]
    let tensors: [String: SafeTensorsTensorInfo]

    init(json: Data, dataSize: Int, file: String) throws {
        let raw: RawHeader
        do {
            raw = try JSONDecoder().decode(RawHeader.self, from: json)
        } catch let error as DecodingError {
            throw SafeTensorsError.invalidHeader(file: file, reason: Self.explain(error))
        } catch {
            throw SafeTensorsError.invalidHeader(file: file, reason: "\(error)")
        }
        metadata = raw.metadata

        var tensors: [String: SafeTensorsTensorInfo] = [:]
        for (name, entry) in raw.entries {
            tensors[name] = try Self.validate(entry, name: name, dataSize: dataSize, file: file)
        }
        try Self.checkTiling(tensors.values, dataSize: dataSize, file: file)
        self.tensors = tensors
    }

    private static func validate(
        _ entry: RawEntry, name: String, dataSize: Int, file: String
    ) throws -> SafeTensorsTensorInfo {
        guard let dtype = SafeTensorsDType(rawValue: entry.dtype) else {
            throw SafeTensorsError.unknownDType(file: file, tensor: name, dtype: entry.dtype)
        }
        guard entry.dataOffsets.count == 2 else {
            throw SafeTensorsError.invalidHeader(
                file: file, reason: "tensor \"\(name)\": data_offsets must be two integers, got \(entry.dataOffsets)")
        }
        let (begin, end) = (entry.dataOffsets[0], entry.dataOffsets[1])
        guard begin >= 0, begin <= end, end <= dataSize else {
            throw SafeTensorsError.offsetsOutOfRange(
                file: file, tensor: name, offsets: entry.dataOffsets, dataSize: dataSize)
        }
        var needed = dtype.byteSize
        for dimension in entry.shape {
            let (product, overflow) = needed.multipliedReportingOverflow(by: dimension)
            guard dimension >= 0, !overflow else {
                throw SafeTensorsError.invalidShape(file: file, tensor: name, shape: entry.shape)
            }
            needed = product
        }
        guard needed == end - begin else {
            throw SafeTensorsError.byteCountMismatch(
                file: file, tensor: name, dtype: dtype, shape: entry.shape, byteCount: end - begin, needed: needed)
        }
        return SafeTensorsTensorInfo(name: name, dtype: dtype, shape: entry.shape, byteRange: begin..<end)
    }

    /// Checks that the tensors, in offset order, cover `0..<dataSize` exactly once.
    private static func checkTiling(
        _ tensors: some Collection<SafeTensorsTensorInfo>, dataSize: Int, file: String
    ) throws {
        let ordered = tensors.sorted {
            ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name)
                < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name)
        }
        var covered = 0
        var previous: SafeTensorsTensorInfo?
        for tensor in ordered {
            if tensor.byteRange.lowerBound > covered {
                throw SafeTensorsError.uncoveredBytes(file: file, range: covered..<tensor.byteRange.lowerBound)
            }
            if tensor.byteRange.lowerBound < covered, let previous {
                throw SafeTensorsError.overlappingTensors(file: file, first: previous.name, second: tensor.name)
            }
            if !tensor.byteRange.isEmpty {
                covered = tensor.byteRange.upperBound
                previous = tensor
            }
        }
        if covered < dataSize {
            throw SafeTensorsError.uncoveredBytes(file: file, range: covered..<dataSize)
        }
    }

    private static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { key in
                key.intValue.map { "[\($0)]" } ?? "\"\(key.stringValue)\""
            }
            return keys.isEmpty ? "the header" : keys.joined(separator: ".")
        }
        switch error {
        case let .dataCorrupted(context) where context.codingPath.isEmpty:
            return "not valid JSON (\(context.debugDescription))"
        case let .dataCorrupted(context):
            return "\(path(context)): \(context.debugDescription)"
        case let .typeMismatch(type, context):
            return "\(path(context)) must be \(describe(type))"
        case let .valueNotFound(type, context):
            return "\(path(context)) must be \(describe(type)), not null"
        case let .keyNotFound(key, context):
            return "\(path(context)) lacks \"\(key.stringValue)\""
        @unknown default:
            return "\(error)"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is [String: String].Type: "an object of strings"
        default: "a JSON object"
        }
    }
}

/// The header as JSON gives it, before validation.
private struct RawHeader: Decodable {
    var metadata: [String: String] = [:]
    var entries: [String: RawEntry] = [:]

    private struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                metadata = try container.decodeIfPresent([String: String].self, forKey: key) ?? [:]
            } else {
                entries[key.stringValue] = try container.decode(RawEntry.self, forKey: key)
            }
        }
    }
}

private struct RawEntry: Decodable {
    let dtype: String
    let shape: [Int]
    let dataOffsets: [Int]

    private enum CodingKeys: String, CodingKey {
        case dtype, shape
        case dataOffsets = "data_offsets"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dtype = try container.decode(String.self, forKey: .dtype)
        shape = try container.decode([HeaderInteger].self, forKey: .shape).map(\.value)
        dataOffsets = try container.decode([HeaderInteger].self, forKey: .dataOffsets).map(\.value)
    }
}

/// An integer of the header. Foundation reports a number that is not an `Int` without saying where it
/// is; this reports it as a type mismatch at its place, so the error can name the tensor.
private struct HeaderInteger: Decodable {
    let value: Int

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let value = try? container.decode(Int.self) else {
            throw DecodingError.typeMismatch(
                Int.self, DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "not an integer"))
        }
        self.value = value
    }
}
