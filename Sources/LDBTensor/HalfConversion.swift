/// Bulk conversions between binary16 bit patterns and `Float`, giving exactly what the scalar
/// `Float(float16Bits:)` and `Float.float16Bits` give (Half.swift) for every input.
///
/// Each element goes through straight-line integer and float arithmetic with selects instead of branches, which
/// the compiler vectorises: no tables, no F16C instructions, no `Float16` type. (Swift's `SIMD8` types, tried
/// first, compiled to code several times slower than these loops.) No step does arithmetic on float32
/// subnormals, which cost a microcode assist per vector on x86.
enum HalfConversion {
    /// Widens `count` binary16 numbers at `source` into `destination`; exact.
    static func widen(_ source: UnsafePointer<UInt16>, into destination: UnsafeMutablePointer<Float>, count: Int) {
        for index in 0..<count {
            destination[index] = widen(source[index])
        }
    }

    /// Narrows `count` floats at `source` to binary16 bits in `destination`, rounding to nearest even.
    static func narrow(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<UInt16>, count: Int) {
        for index in 0..<count {
            destination[index] = narrow(source[index])
        }
    }

    /// One binary16 number widened.
    ///
    /// The magnitude bits shifted into float32's place, `(h & 0x7fff) << 13`, need only the exponent rebiased
    /// from 15 to 127 for a normal number. A subnormal `m × 2⁻²⁴` is computed as `2⁻¹⁴ × (1 + m/1024) − 2⁻¹⁴`
    /// from normal floats, exactly. Infinity and NaN keep all-ones exponents; NaNs are quieted, keeping their
    /// payload, as the scalar conversion does.
    @inline(__always)
    static func widen(_ half: UInt16) -> Float {
        let bits = UInt32(half)
        let sign = (bits & 0x8000) << 16
        let shifted = (bits & 0x7FFF) << 13
        let exponent = shifted & 0x0F80_0000
        let normal = shifted &+ 0x3800_0000
        let subnormal = (Float(bitPattern: normal &+ 0x0080_0000) - 0x1p-14).bitPattern
        // 0x0040_0000 (the quiet bit) when the mantissa is not zero, without a branch.
        let quiet = (((bits & 0x03FF) &+ 0x03FF) & 0x0400) << 12
        let special = shifted | 0x7F80_0000 | quiet
        var magnitude = exponent == 0 ? subnormal : normal
        magnitude = exponent == 0x0F80_0000 ? special : magnitude
        return Float(bitPattern: sign | magnitude)
    }

    /// One float narrowed to binary16 bits, to nearest with ties to even, as `Float.float16Bits`.
    ///
    /// Numbers that are normal in binary16 are rebiased and rounded in integer arithmetic, as the scalar code does.
    /// Below 2⁻¹⁴ the result is a count of 2⁻²⁴ units: adding 0.5, whose unit in the last place is 2⁻²⁴, lets the
    /// float adder round the magnitude to that unit (ties to even), and the sum's low bits are the count (1024, the
    /// smallest normal, follows on naturally).
    @inline(__always)
    static func narrow(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = (bits >> 16) & 0x8000
        let magnitude = bits & 0x7FFF_FFFF
        let rebiased = magnitude &- 0x3800_0000
        var result = (rebiased &+ 0x0FFF &+ ((rebiased >> 13) & 1)) >> 13
        let units = (Float(bitPattern: magnitude) + 0.5).bitPattern &- 0x3F00_0000
        result = magnitude < 0x3880_0000 ? units : result
        result = magnitude >= 0x477F_F000 ? 0x7C00 : result
        result = magnitude > 0x7F80_0000 ? ((magnitude & 0x007F_FFFF) >> 13) | 0x7E00 : result
        return UInt16(truncatingIfNeeded: result | sign)
    }
}
