import LDBImage
import Testing

@Suite("Area-average downsampling against a numpy block mean")
struct AreaDownsamplingTests {
    @Test("Block means match numpy to 1e-6", arguments: [1, 2, 4, 8])
    func matchesNumpy(factor: Int) throws {
        let reference = try #require(Fixtures.expected?.downsample)
        let expected = try #require(reference.cases.first { $0.factor == factor })
        let plane = try FloatPlane(width: reference.width, height: reference.height, values: reference.values.map(Float.init))
        let small = try plane.areaDownsampled(by: factor)
        #expect(small.width == reference.width / factor && small.height == reference.height / factor)
        #expect(small.values.count == expected.values.count)
        let worst = zip(small.values, expected.values).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(worst < 1e-6)
    }

    @Test("A box mask aligned to the blocks stays binary; a misaligned one averages")
    func boxMask() throws {
        let aligned = try FloatPlane(Mask.rectangle(width: 16, height: 8, x: 8, y: 0, w: 8, h: 8)).areaDownsampled(by: 8)
        #expect(aligned.values == [0, 1])
        let misaligned = try FloatPlane(Mask.rectangle(width: 16, height: 8, x: 4, y: 0, w: 8, h: 8)).areaDownsampled(by: 8)
        #expect(misaligned.values == [0.5, 0.5])
    }

    @Test("Factors that do not divide the size are refused", arguments: [0, -2, 3, 5, 32])
    func badFactor(factor: Int) throws {
        let plane = try FloatPlane(width: 16, height: 8, values: [Float](repeating: 1, count: 128))
        #expect(throws: ImageError.invalidDownsampleFactor(factor: factor, width: 16, height: 8)) {
            try plane.areaDownsampled(by: factor)
        }
    }
}
