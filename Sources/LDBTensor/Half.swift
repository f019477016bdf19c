/// Conversions between `Float` and the 16-bit formats checkpoints are stored in: IEEE 754 binary16
/// (`float16`, safetensors `F16`) and bfloat16 (`BF16`), handled as raw bit patterns.
///
/// Every finite value and infinity converts exactly as PyTorch converts it (round to nearest, ties to
/// even; binary16 subnormals included). NaN stays NaN with its sign: binary16 NaNs are quieted and keep
/// their payload as x86's F16C instructions do, which is also what `tensor.float()` / `tensor.half()`
/// give in PyTorch. PyTorch's own NaN bits for bfloat16 depend on the code path it takes, so for
/// bfloat16 only NaN-ness and sign are promised.
///
/// The conversions are table-free bit manipulation, so they do not depend on Swift's `Float16`, which
/// is missing from some x86_64 Linux toolchains.
extension Float {
    /// The value of the binary16 number whose bits are `bits`; always exact.
    @inlinable
    public init(float16Bits bits: UInt16) {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0x1F where mantissa == 0:
            self.init(bitPattern: sign | 0x7F80_0000)
        case 0x1F:
            self.init(bitPattern: sign | 0x7FC0_0000 | mantissa << 13)
        case 0 where mantissa == 0:
            self.init(bitPattern: sign)
        case 0:
            // Subnormal: mantissa × 2⁻²⁴, exact in Float.
            let magnitude = Float(mantissa) * 0x1p-24
            self.init(bitPattern: sign | magnitude.bitPattern)
        default:
            // Rebias the exponent from 15 to 127.
            self.init(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    /// The bits of the binary16 number nearest to this value (ties to even); overflow gives infinity,
    /// underflow gives a subnormal or a signed zero.
    @inlinable
    public var float16Bits: UInt16 {
        let bits = bitPattern
        let sign = UInt16(truncatingIfNeeded: bits >> 16) & 0x8000
        let magnitude = bits & 0x7FFF_FFFF
        if magnitude >= 0x7F80_0000 {
            if magnitude == 0x7F80_0000 { return sign | 0x7C00 }
            return sign | 0x7E00 | UInt16(truncatingIfNeeded: (magnitude & 0x007F_FFFF) >> 13)
        }
        if magnitude >= 0x477F_F000 {
            // 65520 and above: the tie between 65504 and 65536 rounds to even, which is infinity.
            return sign | 0x7C00
        }
        if magnitude >= 0x3880_0000 {
            // Normal in binary16 (≥ 2⁻¹⁴): rebias, then round away 13 mantissa bits; a carry out of the
            // mantissa correctly bumps the exponent.
            let rebiased = magnitude - 0x3800_0000
            let rounded = rebiased + 0x0FFF + ((rebiased >> 13) & 1)
            return sign | UInt16(truncatingIfNeeded: rounded >> 13)
        }
        // Subnormal or zero in binary16: the result is round(|x| × 2²⁴) units of 2⁻²⁴; the scaling is
        // exact and a result of 1024 is the smallest normal, whose bits follow on naturally.
        let units = (Float(bitPattern: magnitude) * 0x1p24).rounded(.toNearestOrEven)
        return sign | UInt16(units)
    }

    /// The value of the bfloat16 number whose bits are `bits`; always exact.
    @inlinable
    public init(bfloat16Bits bits: UInt16) {
        self.init(bitPattern: UInt32(bits) << 16)
    }

    /// The bits of the bfloat16 number nearest to this value (ties to even), as PyTorch rounds.
    @inlinable
    public var bfloat16Bits: UInt16 {
        let bits = bitPattern
        if isNaN {
            return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
        }
        let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }
}
