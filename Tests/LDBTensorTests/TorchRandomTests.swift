import Foundation
import Testing
import LDBTensor

/// Draws recorded from PyTorch by Fixtures/scripts/randn_fixtures.py.
private struct RandnReference: Decodable {
    struct Case: Decodable, CustomStringConvertible {
        let seed: String
        let draws: [[Int]]
        let kernel: String
        let offset: Int

        var description: String { "\(kernel) seed \(seed) draws \(draws)" }
    }

    let torch: String
    let cases: [Case]

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/randn")

    static func load() throws -> RandnReference {
        let data = try Data(contentsOf: directory.appendingPathComponent("cases.json"))
        return try JSONDecoder().decode(RandnReference.self, from: data)
    }

    /// The bit patterns of a kernel's little-endian float32 file.
    static func bits(kernel: String) throws -> [UInt32] {
        let data = try Data(contentsOf: directory.appendingPathComponent("\(kernel).f32"))
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
        }
    }
}

@Suite("torch.randn reproduction")
struct TorchRandomTests {
    /// Every recorded case, each shape drawn in turn from one generator, equal bit for bit.
    @Test(arguments: ["avx2", "scalar"])
    func matchesTorchBitForBit(kernelName: String) throws {
        #if !os(Linux)
        // The scalar kernel calls the C library's logf/sinf/cosf; the fixtures come from glibc.
        if kernelName == "scalar" { return }
        #endif
        let reference = try RandnReference.load()
        let expected = try RandnReference.bits(kernel: kernelName)
        let kernel: TorchNormalKernel = kernelName == "avx2" ? .avx2 : .scalar
        let cases = reference.cases.filter { $0.kernel == kernelName }
        #expect(cases.count > 100)
        for item in cases {
            let seed = try #require(UInt64(item.seed))
            var generator = TorchGenerator(seed: seed, kernel: kernel)
            var offset = item.offset
            for shape in item.draws {
                let count = shape.reduce(1, *)
                let values = generator.randn(count: count)
                try #require(offset + count <= expected.count, "fixture too short for \(item)")
                let mismatches = (0..<count).filter { values[$0].bitPattern != expected[offset + $0] }
                #expect(mismatches.isEmpty, "\(item), shape \(shape): \(mismatches.count) of \(count) differ, first at \(mismatches.first ?? -1)")
                offset += count
            }
        }
    }

    /// The C++ standard fixes the 10000th output of mt19937 with its default seed 5489.
    @Test func mersenneTwisterMatchesTheStandard() {
        var generator = TorchGenerator(seed: 5489)
        var value: UInt32 = 0
        for _ in 0..<10_000 { value = generator.nextUInt32() }
        #expect(value == 4_123_659_995)
    }

    @Test func sixtyFourBitDrawsPutTheFirstWordHigh() {
        var words = TorchGenerator(seed: 11)
        var wide = TorchGenerator(seed: 11)
        let high = UInt64(words.nextUInt32())
        let low = UInt64(words.nextUInt32())
        #expect(wide.nextUInt64() == high << 32 | low)
    }

    @Test func onlyTheLowThirtyTwoBitsOfTheSeedMatter() {
        var low = TorchGenerator(seed: 5)
        var high = TorchGenerator(seed: (1 << 32) + 5)
        #expect(low.randn(count: 40) == high.randn(count: 40))
        #expect(high.seed == (1 << 32) + 5)
    }

    @Test func tensorFunctionDrawsFromAFreshGenerator() {
        let tensor = randn([1, 4, 8, 8], seed: 42)
        var generator = TorchGenerator(seed: 42)
        #expect(tensor.shape == [1, 4, 8, 8])
        #expect(tensor.scalars == generator.randn(count: 256))
    }

    @Test func emptyDrawsConsumeNothing() {
        var used = TorchGenerator(seed: 9)
        var fresh = TorchGenerator(seed: 9)
        #expect(used.randn(count: 0).isEmpty)
        #expect(randn([2, 0, 3], seed: 9).shape == [2, 0, 3])
        #expect(used.randn(count: 5) == fresh.randn(count: 5))
    }

    @Test func valuesLookStandardNormal() {
        let values = randn([1, 4, 64, 64], seed: 123).scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        #expect(abs(mean) < 0.03)
        #expect(abs(variance - 1) < 0.03)
        #expect(values.allSatisfy { $0.isFinite })
    }
}
