#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which of PyTorch's CPU kernels for `normal_` to reproduce. They draw the same uniform numbers but
/// turn them into normal ones with different `log`, `sin` and `cos`, so their outputs differ in the
/// last bits. Tensors of fewer than 16 elements take the same path in both.
public enum TorchNormalKernel: Sendable, Hashable {
    /// The vectorised kernel of PyTorch's x86-64 builds on CPUs with AVX2 or AVX-512
    /// (`torch.backends.cpu.get_cpu_capability()` is `"AVX2"` or `"AVX512"`), which is what
    /// diffusers runs on a typical Linux or Windows PC. Reproduced bit for bit on every platform.
    case avx2
    /// The portable kernel of PyTorch's other builds (capability `"DEFAULT"`, e.g. Apple silicon). It
    /// calls the C library's `logf`, `sinf` and `cosf`, so it matches PyTorch bit for bit only where
    /// this program and PyTorch use the same C library.
    case scalar
}

/// A random number generator that reproduces PyTorch's CPU generator
/// (`torch.Generator().manual_seed(seed)`) bit for bit.
///
/// It is the 32-bit Mersenne Twister (MT19937) seeded with the low 32 bits of the seed, plus the cached
/// second Box–Muller value PyTorch keeps between small `normal_` calls. Successive calls continue the
/// stream exactly as successive `torch.randn(..., generator=g)` calls do.
public struct TorchGenerator: Sendable {
    private static let stateSize = 624
    private static let shift = 397

    /// The seed given at creation, all 64 bits (what `Generator.initial_seed()` reports).
    public let seed: UInt64
    /// The normal kernel `randn(count:)` reproduces.
    public let kernel: TorchNormalKernel

    private var state: [UInt32]
    private var nextIndex: Int
    private var nextDoubleNormal: Double?

    /// Creates a generator in the state `torch.Generator().manual_seed(seed)` leaves.
    /// - Parameters:
    ///   - seed: any value `manual_seed` accepts; only its low 32 bits reach the Mersenne Twister.
    ///   - kernel: the PyTorch build whose `randn` to reproduce.
    public init(seed: UInt64, kernel: TorchNormalKernel = .avx2) {
        self.seed = seed
        self.kernel = kernel
        var state = [UInt32](repeating: 0, count: Self.stateSize)
        state[0] = UInt32(truncatingIfNeeded: seed)
        for index in 1..<Self.stateSize {
            let previous = state[index - 1]
            state[index] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(index)
        }
        self.state = state
        self.nextIndex = Self.stateSize
        self.nextDoubleNormal = nil
    }

    /// The next 32 random bits (PyTorch's `CPUGeneratorImpl::random()`).
    public mutating func nextUInt32() -> UInt32 {
        if nextIndex == Self.stateSize { regenerate() }
        var value = state[nextIndex]
        nextIndex += 1
        value ^= value >> 11
        value ^= (value << 7) & 0x9D2C_5680
        value ^= (value << 15) & 0xEFC6_0000
        value ^= value >> 18
        return value
    }

    /// The next 64 random bits, the first 32-bit draw high (PyTorch's `CPUGeneratorImpl::random64()`).
    public mutating func nextUInt64() -> UInt64 {
        let high = UInt64(nextUInt32())
        let low = UInt64(nextUInt32())
        return high << 32 | low
    }

    /// The next `count` standard normal numbers, as `torch.randn(count, generator=g)` gives them.
    /// - Precondition: `count >= 0`.
    public mutating func randn(count: Int) -> [Float] {
        precondition(count >= 0, "randn needs a non-negative count, got \(count)")
        if count < 16 {
            return (0..<count).map { _ in Float(nextDoubleNormalSample()) }
        }
        // PyTorch fills the tensor with uniform numbers, transforms them 16 at a time, then redraws 16
        // fresh uniforms for the last 16 elements when the count is not a multiple of 16.
        var values = (0..<count).map { _ in nextUniformFloat() }
        values.withUnsafeMutableBufferPointer { buffer in
            var start = 0
            while start + 16 <= count {
                transformBlock(buffer, from: start)
                start += 16
            }
            if count % 16 != 0 {
                let tail = count - 16
                for index in tail..<count { buffer[index] = nextUniformFloat() }
                transformBlock(buffer, from: tail)
            }
        }
        return values
    }

    /// Turns 16 uniform numbers in [0, 1) into 16 normal ones: element j and j + 8 form one Box–Muller
    /// pair, the first becoming the cosine branch and the second the sine branch.
    private func transformBlock(_ buffer: UnsafeMutableBufferPointer<Float>, from start: Int) {
        for lane in start..<start + 8 {
            let u1 = 1 - buffer[lane]
            let u2 = buffer[lane + 8]
            // The trailing `+ 0` (and `* 1`) are PyTorch's `* std + mean`; they turn −0 into +0.
            switch kernel {
            case .avx2:
                let radius = (-2 * AVXMath.log(u1)).squareRoot()
                let (sine, cosine) = AVXMath.sincos(Float(2 * Double.pi) * u2)
                buffer[lane] = radius * cosine + 0
                buffer[lane + 8] = radius * sine + 0
            case .scalar:
                let radius = (-2 * logf(u1)).squareRoot()
                let theta = Float(2 * Double.pi * Double(u2))
                buffer[lane] = radius * cosf(theta) * 1 + 0
                buffer[lane + 8] = radius * sinf(theta) * 1 + 0
            }
        }
    }

    /// A uniform Float in [0, 1) from 24 random bits (`at::uniform_real_distribution<float>`).
    private mutating func nextUniformFloat() -> Float {
        Float(nextUInt32() & 0x00FF_FFFF) * 0x1p-24
    }

    /// A uniform Double in [0, 1) from 53 random bits (`at::uniform_real_distribution<double>`).
    private mutating func nextUniformDouble() -> Double {
        Double(nextUInt64() & 0x001F_FFFF_FFFF_FFFF) * 0x1p-53
    }

    /// One standard normal Double by Box–Muller, caching the sine branch for the next call
    /// (`at::normal_distribution<double>`, used for tensors of fewer than 16 elements).
    private mutating func nextDoubleNormalSample() -> Double {
        if let cached = nextDoubleNormal {
            nextDoubleNormal = nil
            return cached * 1 + 0
        }
        let u1 = nextUniformDouble()
        let u2 = nextUniformDouble()
        let radius = (-2 * log1p(-u2)).squareRoot()
        let theta = 2 * Double.pi * u1
        nextDoubleNormal = radius * sin(theta)
        return radius * cos(theta) * 1 + 0
    }

    /// Refills the state with the next 624 words (the Mersenne Twister's twist).
    private mutating func regenerate() {
        let n = Self.stateSize
        let m = Self.shift
        state.withUnsafeMutableBufferPointer { words in
            for index in 0..<n {
                let mixed = (words[index] & 0x8000_0000) | (words[(index + 1) % n] & 0x7FFF_FFFF)
                let twisted = (mixed >> 1) ^ ((mixed & 1) == 0 ? 0 : 0x9908_B0DF)
                words[index] = words[(index + m) % n] ^ twisted
            }
        }
        nextIndex = 0
    }
}

/// Draws `torch.randn(shape, generator=torch.Generator().manual_seed(seed))` (float32, CPU) bit for bit.
/// - Parameters:
///   - shape: the tensor's shape; every dimension must be non-negative.
///   - seed: the generator's seed.
///   - kernel: the PyTorch build whose `randn` to reproduce.
public func randn(_ shape: [Int], seed: UInt64, kernel: TorchNormalKernel = .avx2) -> Tensor {
    var generator = TorchGenerator(seed: seed, kernel: kernel)
    return Tensor(shape: shape, scalars: generator.randn(count: shape.reduce(1, *)))
}

/// The single-precision `log` and `sincos` of PyTorch's AVX2 normal kernel (Cephes polynomials, as in
/// Pommier's and Garberoglio's `avx_mathfun.h`), one lane at a time. PyTorch's GCC build fuses some of
/// the multiply-adds into FMA instructions; the `addingProduct` calls below are exactly those, and every
/// other operation is rounded separately, so the results agree to the bit.
private enum AVXMath {
    private static let sqrtHalf = Float(bitPattern: 0x3F35_04F3)
    private static let logPolynomial: [Float] = [
        0x3D90_21BB, 0xBDEB_D1B8, 0x3DEF_251A, 0xBDFE_5D4F, 0x3E11_E9BF,
        0xBE2A_AE50, 0x3E4C_CEAC, 0xBE7F_FFFC, 0x3EAA_AAAA,
    ].map { Float(bitPattern: $0) }
    /// ln 2 split in two so that `e × ln 2` keeps its precision.
    private static let ln2Low = Float(bitPattern: 0xB95E_8083)
    private static let ln2High = Float(bitPattern: 0x3F31_8000)

    private static let fourOverPi = Float(bitPattern: 0x3FA2_F983)
    /// −π/4 split in three for the extended-precision argument reduction.
    private static let minusQuarterPi: (Float, Float, Float) = (
        Float(bitPattern: 0xBF49_0000), Float(bitPattern: 0xB97D_A000), Float(bitPattern: 0xB322_2169)
    )
    private static let sinPolynomial: [Float] = [0xB94C_A1F9, 0x3C08_839E, 0xBE2A_AAA3].map { Float(bitPattern: $0) }
    private static let cosPolynomial: [Float] = [0x37CC_F5CE, 0xBAB6_061A, 0x3D2A_AAA5].map { Float(bitPattern: $0) }

    /// Natural logarithm; NaN for arguments ≤ 0.
    static func log(_ argument: Float) -> Float {
        guard argument > 0 else { return .nan }
        var x = max(argument, Float(bitPattern: 0x0080_0000))
        let biasedExponent = Int32(bitPattern: x.bitPattern >> 23)
        // Mantissa scaled into [0.5, 1), exponent to match.
        x = Float(bitPattern: (x.bitPattern & ~0x7F80_0000) | Float(0.5).bitPattern)
        var e = Float(biasedExponent - 0x7F) + 1
        if x < sqrtHalf {
            e -= 1
            x = (x - 1) + x
        } else {
            x = (x - 1) + 0
        }
        let z = x * x
        var y = logPolynomial[0]
        for coefficient in logPolynomial.dropFirst() {
            y = coefficient.addingProduct(y, x)
        }
        y = y * x
        y = (e * ln2Low).addingProduct(y, z)
        y = y.addingProduct(-z, 0.5)
        x = x + y
        return x.addingProduct(e, ln2High)
    }

    /// Sine and cosine of the same argument, accurate for |x| below about 8192.
    static func sincos(_ argument: Float) -> (sin: Float, cos: Float) {
        var signOfSine = argument.bitPattern & 0x8000_0000
        var x = Float(bitPattern: argument.bitPattern & 0x7FFF_FFFF)
        // The octant, rounded up to even.
        var octant = (Int32(x * fourOverPi) &+ 1) & ~1
        let y = Float(octant)
        signOfSine ^= UInt32(bitPattern: (octant & 4) << 29)
        let usesSinePolynomialForSine = octant & 2 == 0
        x = x.addingProduct(y, minusQuarterPi.0)
        x = x.addingProduct(y, minusQuarterPi.1)
        x = x.addingProduct(y, minusQuarterPi.2)
        octant = octant &- 2
        let signOfCosine = UInt32(bitPattern: (~octant & 4) << 29)

        let z = x * x
        var cosine = cosPolynomial[1].addingProduct(cosPolynomial[0], z)
        cosine = cosPolynomial[2].addingProduct(cosine, z)
        cosine = cosine * z
        cosine = (-(z * 0.5)).addingProduct(cosine, z)
        cosine = cosine + 1

        var sine = sinPolynomial[1].addingProduct(sinPolynomial[0], z)
        sine = sinPolynomial[2].addingProduct(sine, z)
        sine = sine * z
        sine = x.addingProduct(sine, x)

        // The kernel selects with masks and additions of +0, which turn −0 into +0.
        let (sinResult, cosResult) = usesSinePolynomialForSine
            ? (0 + sine, cosine + 0)
            : (cosine + 0, 0 + sine)
        return (Float(bitPattern: sinResult.bitPattern ^ signOfSine),
                Float(bitPattern: cosResult.bitPattern ^ signOfCosine))
    }
}
