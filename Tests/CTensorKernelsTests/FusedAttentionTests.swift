import CTensorKernels
import Foundation
import Testing

/// The fused attention (`ldb_attention_using`), float32 and bfloat16, in every instruction set this machine can run,
/// against attention computed in double precision.
@Suite("Fused attention")
struct FusedAttentionTests {
    /// One head's shape: query and key lengths (not multiples of the kernel's blocks, one key, queries longer and
    /// shorter than keys), head and value sizes (odd ones too), causal or not.
    struct Shape: CustomTestStringConvertible, Sendable {
        let queries, keys, headSize, valueSize: Int
        let causal: Bool
        var testDescription: String { "\(queries)x\(keys), d \(headSize)/\(valueSize)\(causal ? ", causal" : "")" }
    }

    static let shapes = [
        Shape(queries: 1, keys: 1, headSize: 8, valueSize: 8, causal: false),
        Shape(queries: 33, keys: 1, headSize: 8, valueSize: 8, causal: true),
        Shape(queries: 7, keys: 300, headSize: 40, valueSize: 40, causal: false),
        Shape(queries: 300, keys: 7, headSize: 40, valueSize: 40, causal: true),
        Shape(queries: 200, keys: 77, headSize: 40, valueSize: 40, causal: false),
        Shape(queries: 300, keys: 300, headSize: 64, valueSize: 64, causal: true),
        Shape(queries: 97, keys: 513, headSize: 80, valueSize: 80, causal: false),
        Shape(queries: 150, keys: 261, headSize: 5, valueSize: 17, causal: true),
        // A head deeper than the kernel's slices of 256 channels, as the VAE's 512.
        Shape(queries: 100, keys: 130, headSize: 301, valueSize: 20, causal: false),
        // Several key blocks under a causal mask.
        Shape(queries: 250, keys: 500, headSize: 40, valueSize: 40, causal: true),
    ]

    /// Deterministic pseudo-random values in [-scale, scale].
    private func values(_ count: Int, seed: UInt64, scale: Float) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000 * scale
        }
    }

    /// One head's inputs, stored with row strides wider than the head (as heads sit side by side) to check that
    /// the kernel reads and writes only its own columns.
    struct Head {
        let shape: Shape
        var query, key, value: [Float]
        var queryStride: Int { shape.headSize + 3 }
        var keyStride: Int { shape.headSize + 2 }
        var valueStride: Int { shape.valueSize + 1 }
        var outputStride: Int { shape.valueSize + 5 }
        var scale: Float { 1 / Float(shape.headSize).squareRoot() }

        func query(_ i: Int, _ p: Int) -> Float { query[i * queryStride + p] }
        func key(_ j: Int, _ p: Int) -> Float { key[j * keyStride + p] }
        func value(_ j: Int, _ c: Int) -> Float { value[j * valueStride + c] }
    }

    private func head(_ shape: Shape, seed: UInt64) -> Head {
        var head = Head(shape: shape, query: [], key: [], value: [])
        head.query = values(shape.queries * head.queryStride, seed: seed, scale: 2)
        head.key = values(shape.keys * head.keyStride, seed: seed + 1, scale: 2)
        head.value = values(shape.keys * head.valueStride, seed: seed + 2, scale: 1)
        return head
    }

    private func roundedToBFloat16(_ head: Head) -> Head {
        var rounded = head
        rounded.query = head.query.map(ldb_round_to_bfloat16)
        rounded.key = head.key.map(ldb_round_to_bfloat16)
        rounded.value = head.value.map(ldb_round_to_bfloat16)
        return rounded
    }

    /// Rows `rows` of the kernel's result; the output's other rows and the padding between rows stay NaN.
    private func fused(_ kernels: UnsafePointer<ldb_kernels>, _ head: Head, bfloat16: Bool, rows: Range<Int>) -> [Float] {
        let shape = head.shape
        let flag: Int32 = bfloat16 ? 1 : 0
        let tileRows = kernels.pointee.tile_rows
        var keys = [Float](repeating: .nan, count: ldb_tiled_count(shape.keys, shape.headSize, tileRows, flag))
        var values = [Float](repeating: .nan, count: ldb_tiled_count(shape.valueSize, shape.keys, tileRows, flag))
        ldb_pack_tiles(head.key, shape.keys, shape.headSize, head.keyStride, 1, tileRows, flag, &keys)
        ldb_pack_tiles(head.value, shape.valueSize, shape.keys, 1, head.valueStride, tileRows, flag, &values)
        var output = [Float](repeating: .nan, count: shape.queries * head.outputStride)
        var scratch = [Float](repeating: .nan, count: ldb_attention_scratch_count(shape.headSize, shape.valueSize))
        head.query.withUnsafeBufferPointer { query in
            keys.withUnsafeBufferPointer { keys in
                values.withUnsafeBufferPointer { values in
                    output.withUnsafeMutableBufferPointer { output in
                        var description = ldb_attention_head(
                            query_length: shape.queries, key_length: shape.keys, head_size: shape.headSize,
                            value_size: shape.valueSize, query: query.baseAddress, query_row_stride: head.queryStride,
                            keys: keys.baseAddress, values: values.baseAddress, bfloat16: flag, scale: head.scale,
                            causal: shape.causal ? 1 : 0, output: output.baseAddress, output_row_stride: head.outputStride)
                        ldb_attention_using(kernels, &description, rows.lowerBound, rows.upperBound, &scratch)
                    }
                }
            }
        }
        return output
    }

    /// Row `i` of the attention computed in double precision from `head`'s values.
    private func reference(_ head: Head, row i: Int) -> [Double] {
        let shape = head.shape
        let visible = shape.causal ? min(shape.keys, i + 1) : shape.keys
        var weights = [Double](repeating: 0, count: visible)
        for j in 0..<visible {
            var score = 0.0
            for p in 0..<shape.headSize { score += Double(head.query(i, p)) * Double(head.key(j, p)) }
            weights[j] = score * Double(head.scale)
        }
        let maximum = weights.max()!
        var total = 0.0
        for j in 0..<visible {
            weights[j] = exp(weights[j] - maximum)
            total += weights[j]
        }
        var row = [Double](repeating: 0, count: shape.valueSize)
        for j in 0..<visible {
            for c in 0..<shape.valueSize { row[c] += weights[j] * Double(head.value(j, c)) }
        }
        return row.map { $0 / total }
    }

    /// The largest difference between the kernel's rows and the reference's, and whether everything outside those
    /// rows' values was left alone.
    private func worstDifference(_ output: [Float], _ head: Head, rows: Range<Int>) -> (Double, untouched: Bool) {
        let shape = head.shape
        var worst = 0.0, untouched = true
        for i in 0..<shape.queries {
            let line = output[(i * head.outputStride)...].prefix(head.outputStride)
            if rows.contains(i) {
                for (c, expected) in reference(head, row: i).enumerated() {
                    let difference = abs(Double(line[line.startIndex + c]) - expected)
                    worst = difference.isNaN ? .infinity : max(worst, difference)
                }
                untouched = untouched && line.dropFirst(shape.valueSize).allSatisfy(\.isNaN)
            } else {
                untouched = untouched && line.allSatisfy(\.isNaN)
            }
        }
        return (worst, untouched)
    }

    private func kernels(_ set: String) throws -> UnsafePointer<ldb_kernels> {
        guard let kernels = ldb_kernels_named(set) else { try Test.cancel("\(set): this CPU cannot run these kernels") }
        return kernels
    }

    /// float32: the scores' rounding (a few ulp of scores up to ~4·√d) changes each weight by under 1e-6
    /// relative, and the output, a convex combination of values in [-1, 1], by about as much; 1e-5 leaves room.
    @Test(arguments: ["baseline", "avx2", "avx512", "avx512bf16"])
    func float32MatchesDoublePrecision(_ set: String) throws {
        let kernels = try kernels(set)
        for (index, shape) in Self.shapes.enumerated() {
            let head = head(shape, seed: UInt64(10 * index))
            let (worst, untouched) = worstDifference(fused(kernels, head, bfloat16: false, rows: 0..<shape.queries), head,
                                                     rows: 0..<shape.queries)
            #expect(worst <= 1e-5, "\(set) \(shape.testDescription): \(worst)")
            #expect(untouched, "\(set) \(shape.testDescription) wrote outside its values")
        }
    }

    /// bfloat16 on inputs already bfloat16: the products are exact and the softmax float32, so the one rounding
    /// left is that of each probability to bfloat16 (relative 2^-9) before it multiplies a value; the output moves
    /// by at most 2^-9 · max |value| (the total divides unrounded probabilities), plus float32's error.
    @Test(arguments: ["baseline", "avx2", "avx512", "avx512bf16"])
    func bfloat16MatchesDoublePrecisionOnRoundedInputs(_ set: String) throws {
        let kernels = try kernels(set)
        for (index, shape) in Self.shapes.enumerated() {
            let head = roundedToBFloat16(head(shape, seed: UInt64(10 * index + 5)))
            let (worst, untouched) = worstDifference(fused(kernels, head, bfloat16: true, rows: 0..<shape.queries), head,
                                                     rows: 0..<shape.queries)
            #expect(worst <= 0x1p-9 + 1e-5, "\(set) \(shape.testDescription): \(worst)")
            #expect(untouched, "\(set) \(shape.testDescription) wrote outside its values")
        }
    }

    /// bfloat16 against float32 on the same (unrounded) inputs: rounding the queries and keys moves each score by at
    /// most δ = 1.01 · 2^-8 · scale · max Σ|q k| ≤ 1.01 · 2^-8 · scale · max‖q‖ · max‖k‖ (both operands relative 2^-9), which changes each weight by a factor within
    /// e^{±2δ}; with the values' and the probabilities' rounding (2^-9 each) the output moves by at most
    /// max |value| · (e^{2δ} - 1 + 2^-8).
    @Test(arguments: ["baseline", "avx2", "avx512", "avx512bf16"])
    func bfloat16IsWithinItsRoundingOfFloat32(_ set: String) throws {
        let kernels = try kernels(set)
        for (index, shape) in Self.shapes.enumerated() {
            let head = head(shape, seed: UInt64(10 * index + 7))
            let rows = 0..<shape.queries
            let float32 = fused(kernels, head, bfloat16: false, rows: rows)
            let bfloat16 = fused(kernels, head, bfloat16: true, rows: rows)
            // max Σ|q k| is at most the largest query norm times the largest key norm (Cauchy-Schwarz).
            func largestNorm(_ rows: Int, _ element: (Int, Int) -> Float) -> Double {
                (0..<rows).map { i in (0..<shape.headSize).reduce(0.0) { $0 + Double(element(i, $1) * element(i, $1)) }.squareRoot() }.max()!
            }
            let largestMagnitude = largestNorm(shape.queries, head.query) * largestNorm(shape.keys, head.key)
            let shift = 1.01 * 0x1p-8 * Double(head.scale) * largestMagnitude
            let bound = expm1(2 * shift) + 0x1p-8 + 1e-5
            let worst = zip(float32, bfloat16).map { abs(Double($0) - Double($1)) }.filter { !$0.isNaN }.max() ?? 0
            #expect(worst <= bound, "\(set) \(shape.testDescription): \(worst) > \(bound)")
            // Yet the rounding shows: the two differ.
            #expect(shape.keys == 1 || worst > 1e-4, "\(set) \(shape.testDescription): \(worst)")
        }
    }

    /// A range of query rows that starts and ends inside the kernel's blocks writes only those rows.
    @Test(arguments: ["baseline", "avx2", "avx512", "avx512bf16"])
    func aRowRangeWritesOnlyItsRows(_ set: String) throws {
        let kernels = try kernels(set)
        for causal in [false, true] {
            let shape = Shape(queries: 250, keys: 270, headSize: 40, valueSize: 40, causal: causal)
            let head = head(shape, seed: 99)
            let rows = 5..<203
            let (worst, untouched) = worstDifference(fused(kernels, head, bfloat16: false, rows: rows), head, rows: rows)
            #expect(worst <= 1e-5, "\(set) \(shape.testDescription): \(worst)")
            #expect(untouched, "\(set) \(shape.testDescription) wrote outside rows \(rows)")
        }
    }
}
