import CTensorKernels
import Foundation
import Testing

/// The packed matrix products, float32 and bfloat16, in every instruction set this machine can run, against
/// double-precision references.
@Suite("Packed matrix products")
struct PackedProductTests {
    /// A deterministic pseudo-random matrix with values in [-1, 1].
    private func matrix(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000
        }
    }

    private func bfloat16(_ value: Float) -> Float { ldb_round_to_bfloat16(value) }

    /// `C (+)= A · Wᵀ` through `ldb_packed_product_using`, A `[m, k]` row-major or, when `transposed`, stored
    /// `[k, m]` (a convolution's planes), C likewise.
    private func product(_ kernels: UnsafePointer<ldb_kernels>, m: Int, k: Int, n: Int, a: [Float], weight: [Float],
                         bfloat16: Bool, transposed: Bool, initial: [Float]?, columns: Range<Int>? = nil) -> [Float] {
        var c = initial ?? [Float](repeating: .nan, count: m * n)
        if bfloat16 {
            var packed = [UInt16](repeating: 0, count: ldb_packed_weight_count(n, k, 1))
            ldb_pack_weight_bfloat16(weight, n, k, &packed)
            run(packed)
        } else {
            var packed = [Float](repeating: .nan, count: ldb_packed_weight_count(n, k, 0))
            ldb_pack_weight_float32(weight, n, k, &packed)
            run(packed)
        }
        func run<Element>(_ packed: [Element]) {
            a.withUnsafeBufferPointer { a in
                packed.withUnsafeBytes { packed in
                    c.withUnsafeMutableBufferPointer { c in
                        var description = ldb_product(
                            rows: m, depth: k, columns: n, a: a.baseAddress,
                            a_row_stride: transposed ? 1 : k, a_depth_stride: transposed ? m : 1,
                            weight: packed.baseAddress, weight_is_bfloat16: bfloat16 ? 1 : 0, c: c.baseAddress,
                            c_row_stride: transposed ? 1 : n, c_column_stride: transposed ? m : 1,
                            accumulate: initial == nil ? 0 : 1)
                        let range = columns ?? 0..<n
                        ldb_packed_product_using(kernels, &description, range.lowerBound, range.upperBound)
                    }
                }
            }
        }
        return c
    }

    /// The reference in double precision, from the given (already rounded, where bfloat16) operands.
    private func reference(m: Int, k: Int, n: Int, a: [Float], weight: [Float], transposed: Bool,
                           initial: [Float]?) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += Double(transposed ? a[p * m + i] : a[i * k + p]) * Double(weight[j * k + p]) }
                let index = transposed ? j * m + i : i * n + j
                c[index] = sum + Double(initial?[index] ?? 0)
            }
        }
        return c
    }

    static let shapes: [(m: Int, k: Int, n: Int)] = [(1, 1, 1), (7, 5, 3), (37, 300, 45), (200, 517, 33), (13, 64, 16)]

    @Test(arguments: ElementwiseKernelTests.instructionSets)
    func float32ProductsMatchDoublePrecision(_ set: String) throws {
        guard let kernels = ldb_kernels_named(set) else { return }
        for (m, k, n) in Self.shapes {
            for transposed in [false, true] {
                for accumulate in [false, true] {
                    let a = matrix(m * k, seed: 1), weight = matrix(n * k, seed: 2)
                    let initial = accumulate ? matrix(m * n, seed: 3) : nil
                    let result = product(kernels, m: m, k: k, n: n, a: a, weight: weight, bfloat16: false,
                                         transposed: transposed, initial: initial)
                    let expected = reference(m: m, k: k, n: n, a: a, weight: weight, transposed: transposed, initial: initial)
                    let worst = zip(result, expected).map { abs(Double($0) - $1) }.max() ?? 0
                    // float32 accumulation of k products of magnitude <= 1.
                    #expect(worst <= 2e-7 * Double(k) + 1e-6, "\(set) \(m)x\(k)x\(n) transposed \(transposed): \(worst)")
                }
            }
        }
    }

    @Test(arguments: ElementwiseKernelTests.instructionSets)
    func bfloat16ProductsAreExactProductsOfRoundedOperands(_ set: String) throws {
        guard let kernels = ldb_kernels_named(set) else { return }
        for (m, k, n) in Self.shapes {
            for transposed in [false, true] {
                let a = matrix(m * k, seed: 4), weight = matrix(n * k, seed: 5)
                let initial = matrix(m * n, seed: 6)
                let result = product(kernels, m: m, k: k, n: n, a: a, weight: weight, bfloat16: true,
                                     transposed: transposed, initial: initial)
                let expected = reference(m: m, k: k, n: n, a: a.map(bfloat16), weight: weight.map(bfloat16),
                                         transposed: transposed, initial: initial)
                let worst = zip(result, expected).map { abs(Double($0) - $1) }.max() ?? 0
                #expect(worst <= 2e-7 * Double(k) + 1e-6, "\(set) \(m)x\(k)x\(n) transposed \(transposed): \(worst)")
                // Against the unrounded operands the error is bfloat16's (8 significant bits), far above float32's.
                let exact = reference(m: m, k: k, n: n, a: a, weight: weight, transposed: transposed, initial: initial)
                let rounding = zip(result, exact).map { abs(Double($0) - $1) }.max() ?? 0
                #expect(rounding <= 2 * 0.0039 * Double(k).squareRoot() + 1e-6, "\(set) \(m)x\(k)x\(n): \(rounding)")
            }
        }
    }

    @Test(arguments: ElementwiseKernelTests.instructionSets)
    func aColumnRangeWritesOnlyItsColumns(_ set: String) throws {
        guard let kernels = ldb_kernels_named(set) else { return }
        let (m, k, n) = (9, 40, 50)
        let a = matrix(m * k, seed: 7), weight = matrix(n * k, seed: 8)
        let initial = [Float](repeating: 0, count: m * n)
        let result = product(kernels, m: m, k: k, n: n, a: a, weight: weight, bfloat16: false, transposed: false,
                             initial: initial, columns: 16..<48)
        let expected = reference(m: m, k: k, n: n, a: a, weight: weight, transposed: false, initial: initial)
        for i in 0..<m {
            for j in 0..<n {
                let value = result[i * n + j]
                if (16..<48).contains(j) {
                    #expect(abs(Double(value) - expected[i * n + j]) <= 1e-5)
                } else {
                    #expect(value == 0, "column \(j) outside the range was written")
                }
            }
        }
    }

    @Test func roundingToBFloat16IsToNearestEven() {
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even significand, 1.
        #expect(bfloat16(1 + 0x1p-8) == 1)
        #expect(bfloat16(1 + 0x1p-8 + 0x1p-20) == 1 + 0x1p-7)
        // 1 + 3·2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even).
        #expect(bfloat16(1 + 3 * 0x1p-8) == 1 + 0x1p-6)
        #expect(bfloat16(-2.5) == -2.5)
        #expect(bfloat16(.infinity) == .infinity && bfloat16(-.infinity) == -.infinity)
        #expect(bfloat16(.nan).isNaN)
        #expect(bfloat16(Float.greatestFiniteMagnitude) == .infinity)
    }
}
