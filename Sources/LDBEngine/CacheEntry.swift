import Foundation
import LDBTensor

/// The bytes of one cache entry: float32 tensors and, for renders, the PNG of the picture.
///
/// Layout, all integers little-endian: "LDBC", UInt32 tensor count; per tensor UInt32 rank, rank × UInt32
/// dimensions and the float32 values; then UInt64 length and the PNG bytes (length 0 when there are none).
struct CacheEntry: Equatable {
    private static let magic = Data("LDBC".utf8)

    var tensors: [Tensor]
    var png: Data

    init(tensors: [Tensor], png: Data = Data()) {
        self.tensors = tensors
        self.png = png
    }

    /// Parses `data`; nil when the bytes are not a well-formed entry, which the engine treats as a miss.
    init?(data: Data) {
        var reader = Reader(bytes: [UInt8](data))
        guard let magic = reader.take(Self.magic.count), Data(magic) == Self.magic, let count = reader.uint32() else {
            return nil
        }
        var tensors: [Tensor] = []
        for _ in 0..<count {
            guard let rank = reader.uint32(), rank <= 8 else { return nil }
            var shape: [Int] = []
            for _ in 0..<rank {
                guard let dimension = reader.uint32() else { return nil }
                shape.append(Int(dimension))
            }
            let (elements, overflow) = shape.reduce((1, false)) { partial, dimension in
                let product = partial.0.multipliedReportingOverflow(by: dimension)
                return (product.partialValue, partial.1 || product.overflow)
            }
            guard !overflow, elements <= reader.remaining / 4, let slice = reader.take(elements * 4) else { return nil }
            let bytes = Array(slice)
            let scalars = (0..<elements).map { index in
                let offset = index * 4
                let bits = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
                    | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
                return Float(bitPattern: bits)
            }
            tensors.append(Tensor(shape: shape, scalars: scalars))
        }
        guard let length = reader.uint64(), length == UInt64(reader.remaining),
              let png = reader.take(Int(length))
        else { return nil }
        self.tensors = tensors
        self.png = Data(png)
    }

    /// The entry's bytes.
    func encoded() -> Data {
        var bytes = [UInt8](Self.magic)
        bytes.reserveCapacity(tensors.reduce(64 + png.count) { $0 + 4 * ($1.count + $1.rank + 1) })
        func append<Value: FixedWidthInteger>(_ value: Value) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        append(UInt32(tensors.count))
        for tensor in tensors {
            append(UInt32(tensor.rank))
            for dimension in tensor.shape { append(UInt32(dimension)) }
            for scalar in tensor.scalars { append(scalar.bitPattern) }
        }
        append(UInt64(png.count))
        bytes.append(contentsOf: png)
        return Data(bytes)
    }

    /// Reads integers and byte runs from the front of a buffer.
    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        var remaining: Int { bytes.count - position }

        mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, count <= remaining else { return nil }
            defer { position += count }
            return bytes[position..<(position + count)]
        }

        mutating func uint32() -> UInt32? {
            take(4).map { $0.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        }

        mutating func uint64() -> UInt64? {
            take(8).map { $0.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        }
    }
}
