extension SafeTensorsFile {
    /// A floating-point tensor in half precision: an `F16` tensor's bits exactly as stored (no double
    /// rounding), any other floating-point type rounded to binary16 to nearest even, as PyTorch's `.half()`.
    ///
    /// As with `tensor(_:)`, the file's pages that held it are then released from resident memory.
    /// - Throws: `SafeTensorsError.tensorNotFound`, or `.unsupportedDType` for the 8-bit floats and integers.
    public func halfTensor(_ name: String) throws -> HalfTensor {
        let info = try info(name)
        let range = (dataStart + info.byteRange.lowerBound)..<(dataStart + info.byteRange.upperBound)
        let count = info.elementCount
        let half: HalfTensor
        switch info.dtype {
        case .float16:
            var bits = [UInt16](repeating: 0, count: count)
            bits.withUnsafeMutableBytes { destination in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: mapping.bytes[range]))
            }
            if !Self.isLittleEndian { bits = bits.map { UInt16(littleEndian: $0) } }
            half = HalfTensor(shape: info.shape, bits: bits)
        case .float32 where Self.isLittleEndian && count > 0
                && Int(bitPattern: mapping.bytes.baseAddress! + range.lowerBound) % MemoryLayout<Float>.alignment == 0:
            // Rounded straight from the mapped file, with no float32 copy in between.
            let floats = (mapping.bytes.baseAddress! + range.lowerBound).assumingMemoryBound(to: Float.self)
            half = HalfTensor(rounding: UnsafeBufferPointer(start: floats, count: count), shape: info.shape)
        case .float32, .bfloat16, .float64:
            half = HalfTensor(rounding: try tensor(name))
        default:
            throw SafeTensorsError.unsupportedDType(file: url.path, tensor: name, dtype: info.dtype, wanted: "float16")
        }
        mapping.evict(range)
        return half
    }

    /// `halfTensor(_:)` after checking that the tensor's shape is `expected`.
    /// - Throws: `SafeTensorsError.shapeMismatch` when the stored shape differs.
    public func halfTensor(_ name: String, shape expected: [Int]) throws -> HalfTensor {
        try checkShape(of: name, is: expected)
        return try halfTensor(name)
    }

    private static var isLittleEndian: Bool { 1.littleEndian == 1 }
}
