import Foundation
import Testing
import LDBTensor

/// Conversions checked against PyTorch's, recorded by Fixtures/scripts/safetensors_fixtures.py.
@Suite("float16 and bfloat16 conversions")
struct HalfTests {
    private static let reference = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/safetensors/half_conversions.safetensors")

    private func bits(_ name: String) throws -> [UInt32] {
        try SafeTensorsFile(contentsOf: Self.reference).tensor(name).scalars.map(\.bitPattern)
    }

    @Test func everyFloat16PatternWidensAsTorchDoes() throws {
        let expected = try bits("f16_all_as_f32")
        try #require(expected.count == 65536)
        let wrong = (0...UInt16.max).filter { Float(float16Bits: $0).bitPattern != expected[Int($0)] }
        #expect(wrong.isEmpty, "\(wrong.count) patterns differ, first \(wrong.first.map { String($0, radix: 16) } ?? "")")
    }

    @Test func everyBFloat16PatternWidensAsTorchDoes() throws {
        let expected = try bits("bf16_all_as_f32")
        try #require(expected.count == 65536)
        let wrong = (0...UInt16.max).filter { Float(bfloat16Bits: $0).bitPattern != expected[Int($0)] }
        #expect(wrong.isEmpty, "\(wrong.count) patterns differ, first \(wrong.first.map { String($0, radix: 16) } ?? "")")
    }

    /// Values around every rounding tie, specials and random bit patterns narrow to torch's float16 bits.
    /// Widening is exact and one-to-one, so comparing widened values compares the float16 bits.
    @Test func narrowingToFloat16MatchesTorch() throws {
        let file = try SafeTensorsFile(contentsOf: Self.reference)
        let probe = try file.tensor("probe").scalars
        let expected = try file.tensor("probe_as_f16").scalars
        try #require(probe.count == expected.count && probe.count > 50_000)
        let wrong = probe.indices.filter {
            Float(float16Bits: probe[$0].float16Bits).bitPattern != expected[$0].bitPattern
        }
        #expect(wrong.isEmpty, "\(wrong.count) differ, first input \(wrong.first.map { probe[$0] } ?? 0)")
    }

    /// As above for bfloat16. PyTorch's NaN bits depend on its code path, so NaNs need only stay NaN.
    @Test func narrowingToBFloat16MatchesTorch() throws {
        let file = try SafeTensorsFile(contentsOf: Self.reference)
        let probe = try file.tensor("probe").scalars
        let expected = try file.tensor("probe_as_bf16").scalars
        try #require(probe.count == expected.count && probe.count > 50_000)
        let wrong = probe.indices.filter {
            let narrowed = Float(bfloat16Bits: probe[$0].bfloat16Bits)
            return probe[$0].isNaN ? !narrowed.isNaN : narrowed.bitPattern != expected[$0].bitPattern
        }
        #expect(wrong.isEmpty, "\(wrong.count) differ, first input \(wrong.first.map { probe[$0] } ?? 0)")
    }

    @Test func everyNonNaNPatternRoundTrips() {
        for bits in 0...UInt16.max {
            let half = Float(float16Bits: bits)
            if !half.isNaN { #expect(half.float16Bits == bits) }
            let brain = Float(bfloat16Bits: bits)
            if !brain.isNaN { #expect(brain.bfloat16Bits == bits) }
        }
    }

    @Test func nanKeepsItsSign() {
        let negativeNaN = -Float.nan
        #expect(Float(float16Bits: negativeNaN.float16Bits).isNaN)
        #expect(negativeNaN.float16Bits & 0x8000 != 0)
        #expect(Float(bfloat16Bits: negativeNaN.bfloat16Bits).isNaN)
        #expect(negativeNaN.bfloat16Bits & 0x8000 != 0)
        #expect(Float.signalingNaN.bfloat16Bits & 0x7FC0 == 0x7FC0)
    }

    @Test func knownValues() {
        #expect(Float(float16Bits: 0x3C00) == 1)
        #expect(Float(float16Bits: 0x7BFF) == 65504)
        #expect(Float(float16Bits: 0x0001) == 0x1p-24)
        #expect(Float(65520).float16Bits == 0x7C00)
        #expect(Float(65519.99).float16Bits == 0x7BFF)
        #expect(Float(0x1p-25).float16Bits == 0x0000)
        #expect(Float(0x1p-25).nextUp.float16Bits == 0x0001)
        #expect(Float(bfloat16Bits: 0x3F80) == 1)
        #expect(Float.greatestFiniteMagnitude.bfloat16Bits == 0x7F80)
    }
}
