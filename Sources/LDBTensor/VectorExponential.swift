/// A vectorised `exp` for the hot loops of softmax and SiLU, where calling `expf` once per element costs more
/// than the matrix products around it.
///
/// The method is Cephes' `expf`: `exp(x) = 2ⁿ · exp(r)` with `n = round(x / ln 2)` and `|r| ≤ ln 2 / 2`,
/// `exp(r)` from a degree-5 polynomial, and `2ⁿ` written straight into the exponent bits. It is accurate to
/// about one unit in the last place, needs only SSE2 arithmetic (rounding uses the 1.5·2²³ shifter rather
/// than a floor instruction), and LLVM lowers the `SIMD8<Float>` operations to vector instructions.
enum VectorExponential {
    typealias Vector = SIMD8<Float>

    /// The number of lanes processed together.
    static let width = Vector.scalarCount

    /// Below this `exp` is under the smallest normal float; those lanes return 0, like `expf(-.infinity)`.
    private static let lowestInput: Float = -87.33654
    /// Above this `2ⁿ` would overflow the exponent field; inputs are clamped to it.
    private static let highestInput: Float = 88.37626

    /// `exp` of each lane.
    @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        let shifter: Float = 12_582_912  // 1.5 · 2²³: adding it rounds to an integer held in the low mantissa bits.
        let clamped = maximum(minimum(x, Vector(repeating: highestInput)), Vector(repeating: lowestInput))
        let shifted = clamped * 1.442_695_04 + shifter
        let n = shifted - shifter
        // r = x - n·ln 2, with ln 2 split in two so the product is exact.
        let r = clamped - n * 0.693_359_375 + n * 2.121_944_4e-4
        var polynomial = r * 1.987_569_15e-4 + 1.398_199_95e-3
        polynomial = polynomial * r + 8.333_451_9e-3
        polynomial = polynomial * r + 4.166_579_59e-2
        polynomial = polynomial * r + 1.666_666_55e-1
        polynomial = polynomial * r + 5.000_000_12e-1
        let expR = polynomial * (r * r) + r + 1
        // The shifter's bit pattern is 0x4B40_0000 plus n; rebias n and move it into the exponent field.
        let exponentBits = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        let result = expR * unsafeBitCast(exponentBits, to: Vector.self)
        return result.replacing(with: 0, where: x .< lowestInput)
    }

    /// The larger of each pair of lanes. The standard library's `pointwiseMax` is not inlined here and
    /// costs a call per vector.
    @inline(__always)
    static func maximum(_ a: Vector, _ b: Vector) -> Vector {
        a.replacing(with: b, where: b .> a)
    }

    /// The smaller of each pair of lanes (see `maximum`).
    @inline(__always)
    static func minimum(_ a: Vector, _ b: Vector) -> Vector {
        a.replacing(with: b, where: b .< a)
    }

    /// Loads `count` (at most `width`) floats from `source`, the other lanes set to `padding`.
    @inline(__always)
    static func load(_ source: UnsafePointer<Float>, count: Int, padding: Float) -> Vector {
        if count == width { return UnsafeRawPointer(source).loadUnaligned(as: Vector.self) }
        var vector = Vector(repeating: padding)
        for lane in 0..<count { vector[lane] = source[lane] }
        return vector
    }

    /// Stores the first `count` (at most `width`) lanes of `vector` at `destination`.
    @inline(__always)
    static func store(_ vector: Vector, to destination: UnsafeMutablePointer<Float>, count: Int) {
        if count == width {
            UnsafeMutableRawPointer(destination).storeBytes(of: vector, as: Vector.self)
            return
        }
        for lane in 0..<count { destination[lane] = vector[lane] }
    }
}
