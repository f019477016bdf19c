/// Why a safetensors file could not be read or written. Every message names the file and, where one is
/// involved, the tensor.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened, measured or mapped.
    case unreadable(file: String, reason: String)
    /// The file is shorter than the 8-byte header length.
    case fileTooShort(file: String, size: Int)
    /// The header length points past the end of the file.
    case headerBeyondFile(file: String, headerLength: UInt64, fileSize: Int)
    /// The header is not the JSON object safetensors prescribes.
    case invalidHeader(file: String, reason: String)
    /// A tensor declares a dtype this reader does not know.
    case unknownDType(file: String, tensor: String, dtype: String)
    /// A tensor's shape has a negative dimension or too many elements.
    case invalidShape(file: String, tensor: String, shape: [Int])
    /// A tensor's `data_offsets` are reversed or reach past the data section.
    case offsetsOutOfRange(file: String, tensor: String, offsets: [Int], dataSize: Int)
    /// A tensor's byte range does not hold exactly shape × dtype size bytes.
    case byteCountMismatch(file: String, tensor: String, dtype: SafeTensorsDType, shape: [Int], byteCount: Int, needed: Int)
    /// Two tensors share bytes of the data section.
    case overlappingTensors(file: String, first: String, second: String)
    /// Bytes of the data section belong to no tensor.
    case uncoveredBytes(file: String, range: Range<Int>)
    /// No tensor has this name.
    case tensorNotFound(name: String, file: String)
    /// The tensor's shape is not the one the caller needs.
    case shapeMismatch(file: String, tensor: String, expected: [Int], actual: [Int])
    /// The tensor's dtype cannot be read the way the caller asked.
    case unsupportedDType(file: String, tensor: String, dtype: SafeTensorsDType, wanted: String)
    /// An unsigned 64-bit element does not fit in `Int64`.
    case integerOutOfRange(file: String, tensor: String, index: Int)
    /// A tensor may not be written under this name.
    case invalidTensorName(file: String, name: String)
    /// Tensors can only be written as F32, F16 or BF16.
    case unsupportedWriteDType(file: String, dtype: SafeTensorsDType)
    /// Writing the file failed.
    case writeFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            "cannot read safetensors file \(file): \(reason)"
        case let .fileTooShort(file, size):
            "\(file) is not a safetensors file: it has \(size) bytes, fewer than the 8-byte header length"
        case let .headerBeyondFile(file, headerLength, fileSize):
            "\(file) is not a safetensors file: its header claims \(headerLength) bytes but the file has only \(fileSize - 8) after the length"
        case let .invalidHeader(file, reason):
            "invalid safetensors header in \(file): \(reason)"
        case let .unknownDType(file, tensor, dtype):
            "tensor \"\(tensor)\" in \(file) has unknown dtype \"\(dtype)\""
        case let .invalidShape(file, tensor, shape):
            "tensor \"\(tensor)\" in \(file) has invalid shape \(shape)"
        case let .offsetsOutOfRange(file, tensor, offsets, dataSize):
            "tensor \"\(tensor)\" in \(file) has data_offsets \(offsets) outside the data section of \(dataSize) bytes"
        case let .byteCountMismatch(file, tensor, dtype, shape, byteCount, needed):
            "tensor \"\(tensor)\" in \(file) has \(byteCount) bytes but shape \(shape) of \(dtype.rawValue) needs \(needed)"
        case let .overlappingTensors(file, first, second):
            "tensors \"\(first)\" and \"\(second)\" in \(file) overlap"
        case let .uncoveredBytes(file, range):
            "bytes \(range.lowerBound)..<\(range.upperBound) of the data section of \(file) belong to no tensor"
        case let .tensorNotFound(name, file):
            "tensor \"\(name)\" not found in \(file)"
        case let .shapeMismatch(file, tensor, expected, actual):
            "tensor \"\(tensor)\" in \(file) has shape \(actual), expected \(expected)"
        case let .unsupportedDType(file, tensor, dtype, wanted):
            "tensor \"\(tensor)\" in \(file) has dtype \(dtype.rawValue), which cannot be read as \(wanted)"
        case let .integerOutOfRange(file, tensor, index):
            "element \(index) of tensor \"\(tensor)\" in \(file) does not fit in Int64"
        case let .invalidTensorName(file, name):
            "cannot write a tensor named \"\(name)\" to \(file): the name is reserved"
        case let .unsupportedWriteDType(file, dtype):
            "cannot write \(file) as \(dtype.rawValue): tensors are written as F32, F16 or BF16"
        case let .writeFailed(file, reason):
            "cannot write safetensors file \(file): \(reason)"
        }
    }
}
