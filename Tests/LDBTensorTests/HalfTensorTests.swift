import Foundation
import Testing
import LDBTensor

/// `HalfTensor`'s vectorised conversions against the scalar ones of Half.swift (themselves checked against
/// PyTorch in HalfTests), and layers computing with half-precision weights.
@Suite("half-precision tensors and weights")
struct HalfTensorTests {
    /// Every binary16 pattern, then three more so that the count is not a multiple of the vector width.
    private static let allPatterns: [UInt16] = Array(0...UInt16.max) + [0x3C00, 0x8001, 0x7E01]

    @Test func everyFloat16PatternWidensAsTheScalarConversion() {
        let widened = HalfTensor(shape: [Self.allPatterns.count], bits: Self.allPatterns).floats()
        let wrong = Self.allPatterns.indices.filter {
            widened.scalars[$0].bitPattern != Float(float16Bits: Self.allPatterns[$0]).bitPattern
        }
        #expect(wrong.isEmpty, "\(wrong.count) patterns differ, first \(wrong.first.map { String(Self.allPatterns[$0], radix: 16) } ?? "")")
    }

    /// Every binary16 value, the midpoints between neighbours (the ties) and the floats just either side of them,
    /// overflow and underflow thresholds, specials, and random bit patterns narrow as the scalar conversion does.
    @Test func narrowingMatchesTheScalarConversionAtEveryTie() {
        var inputs: [Float] = []
        for bits in UInt16(0)..<0x7C00 {
            let value = Float(float16Bits: bits), next = Float(float16Bits: bits + 1)
            let tie = value + (next - value) / 2
            for candidate in [value, tie, tie.nextDown, tie.nextUp] {
                inputs += [candidate, -candidate]
            }
        }
        inputs += [65504, 65520, 65536, 1e10, .greatestFiniteMagnitude, .infinity, -.infinity, .nan,
                   -.nan, Float(bitPattern: 0x7F80_0001), Float(bitPattern: 0xFFC1_2345), .leastNonzeroMagnitude,
                   0x1p-25, Float(0x1p-25).nextUp, 0x1p-24 * 1.5, Float(0x1p-14).nextDown, Float(65520).nextDown]
        var generator = SystemRandomNumberGenerator()
        inputs += (0..<200_000).map { _ in Float(bitPattern: UInt32.random(in: .min ... .max, using: &generator)) }
        let narrowed = HalfTensor(rounding: Tensor(shape: [inputs.count], scalars: inputs)).bits
        let wrong = inputs.indices.filter { narrowed[$0] != inputs[$0].float16Bits }
        #expect(wrong.isEmpty, "\(wrong.count) differ, first input bits \(wrong.first.map { String(inputs[$0].bitPattern, radix: 16) } ?? "")")
    }

    @Test func everyNonNaNPatternRoundTrips() {
        let patterns = Self.allPatterns.filter { !Float(float16Bits: $0).isNaN }
        let tensor = HalfTensor(shape: [patterns.count], bits: patterns)
        #expect(HalfTensor(rounding: tensor.floats()) == tensor)
    }

    @Test func slicesReshapesAndLooksUpRows() {
        let values = (0..<24).map { Float($0) * 0.5 - 3 }
        let half = HalfTensor(rounding: Tensor(shape: [6, 4], scalars: values))
        #expect(half.byteCount == 48)
        #expect(half.sliced(2..<4).floats() == Tensor(shape: [6, 4], scalars: values).sliced(2..<4, axis: 0))
        #expect(half.reshaped([3, 8]).shape == [3, 8])
        #expect(half.rows(at: [5, 0, 5]) == Tensor(shape: [6, 4], scalars: values).rows(at: [5, 0, 5]))
        #expect(WeightTensor.float16(half).rows(at: [1]) == half.rows(at: [1]))
        #expect(WeightTensor.float16(half).byteCount == 48 && WeightTensor.float32(half.floats()).byteCount == 96)
    }

    /// A layer with a half-precision weight computes exactly what it computes with that weight widened to float32.
    @Test func linearAndConvolutionWithHalfWeightsEqualTheWidenedWeights() {
        let input = randn([2, 5, 7, 6], seed: 1)
        let kernel = HalfTensor(rounding: randn([8, 5, 3, 3], seed: 2) * 0.2)
        let bias = randn([8], seed: 3)
        #expect(input.conv2d(weight: .float16(kernel), bias: bias, padding: 1)
                == input.conv2d(weight: kernel.floats(), bias: bias, padding: 1))
        #expect(input.conv2d(weight: .float16(kernel), stride: 2) == input.conv2d(weight: kernel.floats(), stride: 2))

        let tokens = randn([3, 9, 6], seed: 4)
        let matrix = HalfTensor(rounding: randn([11, 6], seed: 5))
        #expect(tokens.linear(weight: .float16(matrix), bias: randn([11], seed: 6))
                == tokens.linear(weight: matrix.floats(), bias: randn([11], seed: 6)))
        // A smaller weight after a larger one reuses the scratch buffer; the result must not see stale floats.
        let small = HalfTensor(rounding: randn([4, 6], seed: 7))
        #expect(tokens.linear(weight: .float16(small)) == tokens.linear(weight: small.floats()))
    }

    /// Stored F16 keeps its bits (no second rounding); stored F32 rounds as `init(rounding:)`.
    @Test func safeTensorsFilesReadInHalfPrecision() throws {
        let values = Tensor(shape: [3, 5], scalars: (0..<15).map { Float($0) / 3 + 1e-5 })
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ldb-half-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for dtype in [SafeTensorsDType.float32, .float16, .bfloat16] {
            let url = directory.appendingPathComponent("\(dtype.rawValue).safetensors")
            try SafeTensorsWriter.write(["w": values], dtype: dtype, to: url)
            let file = try SafeTensorsFile(contentsOf: url)
            let half = try file.halfTensor("w", shape: [3, 5])
            #expect(half == HalfTensor(rounding: try file.tensor("w")), "\(dtype)")
            if dtype == .float16 {
                #expect(half.floats() == (try file.tensor("w")))
            }
            #expect(throws: SafeTensorsError.self) { try file.halfTensor("w", shape: [15]) }
        }
    }
}
