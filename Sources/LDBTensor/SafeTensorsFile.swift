import Foundation

/// A safetensors file opened for reading.
///
/// The file is memory-mapped: opening it reads only the header, and each tensor's bytes are touched
/// only when that tensor is read, so listing a multi-gigabyte checkpoint is cheap. Floating-point
/// tensors (F32, F16, BF16, F64) and integer ones convert to `Float` tensors; integer tensors such as
/// `input_ids` can also be read exactly with `int64s(_:)`.
///
/// ```swift
/// let file = try SafeTensorsFile(contentsOf: url)
/// let weight = try file.tensor("conv_in.weight", shape: [320, 4, 3, 3])
/// ```
public struct SafeTensorsFile: Sendable {
    /// Where the file was read from.
    public let url: URL
    /// The string pairs of the header's `__metadata__`; empty when it has none.
    public let metadata: [String: String]
    /// Every tensor's name, sorted.
    public let tensorNames: [String]

    private let infos: [String: SafeTensorsTensorInfo]
    let mapping: SafeTensorsMappedFile
    /// The offset of the data section, after the header.
    let dataStart: Int

    /// Opens and validates the file at `url`.
    /// - Throws: `SafeTensorsError` when the file cannot be read or its header is malformed.
    public init(contentsOf url: URL) throws {
        let file = url.path
        let mapping = try SafeTensorsMappedFile(path: file)
        let bytes = mapping.bytes
        guard bytes.count >= 8 else {
            throw SafeTensorsError.fileTooShort(file: file, size: bytes.count)
        }
        let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw SafeTensorsError.headerBeyondFile(file: file, headerLength: headerLength, fileSize: bytes.count)
        }
        let dataStart = 8 + Int(headerLength)
        let json = Data(bytes[8..<dataStart])
        let header = try SafeTensorsHeader(json: json, dataSize: bytes.count - dataStart, file: file)

        self.url = url
        self.metadata = header.metadata
        self.tensorNames = header.tensors.keys.sorted()
        self.infos = header.tensors
        self.mapping = mapping
        self.dataStart = dataStart
    }

    /// Whether the file has a tensor with this name.
    public func contains(_ name: String) -> Bool {
        infos[name] != nil
    }

    /// The stored dtype, shape and location of a tensor.
    /// - Throws: `SafeTensorsError.tensorNotFound` when there is no such tensor.
    public func info(_ name: String) throws -> SafeTensorsTensorInfo {
        guard let info = infos[name] else {
            throw SafeTensorsError.tensorNotFound(name: name, file: url.path)
        }
        return info
    }

    /// A tensor converted to float32: every stored dtype converts except the 8-bit floats.
    ///
    /// The file's pages that held it are then released from resident memory (see `SafeTensorsMappedFile.evict`),
    /// so loading a model holds each weight once.
    public func tensor(_ name: String) throws -> Tensor {
        let info = try info(name)
        let tensor = Tensor(shape: info.shape, scalars: try floats(info))
        mapping.evict((dataStart + info.byteRange.lowerBound)..<(dataStart + info.byteRange.upperBound))
        return tensor
    }

    /// A tensor converted to float32, after checking that its shape is `expected`.
    /// - Throws: `SafeTensorsError.shapeMismatch` when the stored shape differs.
    public func tensor(_ name: String, shape expected: [Int]) throws -> Tensor {
        try checkShape(of: name, is: expected)
        return try tensor(name)
    }

    /// - Throws: `SafeTensorsError.shapeMismatch` when the stored shape of `name` is not `expected`.
    func checkShape(of name: String, is expected: [Int]) throws {
        let info = try info(name)
        guard info.shape == expected else {
            throw SafeTensorsError.shapeMismatch(file: url.path, tensor: name, expected: expected, actual: info.shape)
        }
    }

    /// The elements of an integer (or BOOL) tensor, exactly, in row-major order.
    /// - Throws: `SafeTensorsError.unsupportedDType` for floating-point tensors, and
    ///   `SafeTensorsError.integerOutOfRange` for U64 elements above `Int64.max`.
    public func int64s(_ name: String) throws -> [Int64] {
        let info = try info(name)
        let count = info.elementCount
        guard count > 0, let start = mapping.bytes.baseAddress?.advanced(by: dataStart + info.byteRange.lowerBound)
        else { return [] }
        switch info.dtype {
        case .bool, .uint8: return (0..<count).map { Int64(start.load(fromByteOffset: $0, as: UInt8.self)) }
        case .int8: return (0..<count).map { Int64(start.load(fromByteOffset: $0, as: Int8.self)) }
        case .int16: return (0..<count).map { Int64(Self.element(start, $0, as: Int16.self)) }
        case .uint16: return (0..<count).map { Int64(Self.element(start, $0, as: UInt16.self)) }
        case .int32: return (0..<count).map { Int64(Self.element(start, $0, as: Int32.self)) }
        case .uint32: return (0..<count).map { Int64(Self.element(start, $0, as: UInt32.self)) }
        case .int64: return (0..<count).map { Self.element(start, $0, as: Int64.self) }
        case .uint64:
            return try (0..<count).map { index in
                guard let value = Int64(exactly: Self.element(start, index, as: UInt64.self)) else {
                    throw SafeTensorsError.integerOutOfRange(file: url.path, tensor: name, index: index)
                }
                return value
            }
        case .float8E5M2, .float8E4M3, .float16, .bfloat16, .float32, .float64:
            throw SafeTensorsError.unsupportedDType(file: url.path, tensor: name, dtype: info.dtype, wanted: "Int64")
        }
    }

    private func floats(_ info: SafeTensorsTensorInfo) throws -> [Float] {
        let count = info.elementCount
        guard count > 0, let start = mapping.bytes.baseAddress?.advanced(by: dataStart + info.byteRange.lowerBound)
        else { return [] }
        switch info.dtype {
        case .float32:
            return (0..<count).map { Float(bitPattern: Self.element(start, $0, as: UInt32.self)) }
        case .float16:
            return (0..<count).map { Float(float16Bits: Self.element(start, $0, as: UInt16.self)) }
        case .bfloat16:
            return (0..<count).map { Float(bfloat16Bits: Self.element(start, $0, as: UInt16.self)) }
        case .float64:
            return (0..<count).map { Float(Double(bitPattern: Self.element(start, $0, as: UInt64.self))) }
        case .bool, .uint8:
            return (0..<count).map { Float(start.load(fromByteOffset: $0, as: UInt8.self)) }
        case .int8: return (0..<count).map { Float(start.load(fromByteOffset: $0, as: Int8.self)) }
        case .int16: return (0..<count).map { Float(Self.element(start, $0, as: Int16.self)) }
        case .uint16: return (0..<count).map { Float(Self.element(start, $0, as: UInt16.self)) }
        case .int32: return (0..<count).map { Float(Self.element(start, $0, as: Int32.self)) }
        case .uint32: return (0..<count).map { Float(Self.element(start, $0, as: UInt32.self)) }
        case .int64: return (0..<count).map { Float(Self.element(start, $0, as: Int64.self)) }
        case .uint64: return (0..<count).map { Float(Self.element(start, $0, as: UInt64.self)) }
        case .float8E5M2, .float8E4M3:
            throw SafeTensorsError.unsupportedDType(file: url.path, tensor: info.name, dtype: info.dtype, wanted: "Float")
        }
    }

    /// Element `index` of a little-endian array that may not be aligned.
    @inline(__always)
    private static func element<Value: FixedWidthInteger>(
        _ start: UnsafeRawPointer, _ index: Int, as type: Value.Type
    ) -> Value {
        Value(littleEndian: start.loadUnaligned(fromByteOffset: index * MemoryLayout<Value>.size, as: Value.self))
    }
}
