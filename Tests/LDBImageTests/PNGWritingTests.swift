import Foundation
import LDBImage
import Testing

@Suite("Writing PNGs")
struct PNGWritingTests {
    /// Deterministic bytes that use the whole 0...255 range.
    static func pattern(count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ seed &* 101 &+ ($0 >> 3)) }
    }

    @Test("RGB round trip through Data keeps every byte")
    func rgbRoundTrip() throws {
        let image = try RGBImage(width: 13, height: 9, pixels: Self.pattern(count: 13 * 9 * 3, seed: 1))
        let data = try image.pngData()
        #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let readBack = try RGBImage(pngData: data)
        #expect(readBack == image)
        #expect(readBack.alpha == nil)
    }

    @Test("RGBA round trip keeps colour and alpha, including colour under zero alpha")
    func rgbaRoundTrip() throws {
        var alpha = Self.pattern(count: 7 * 5, seed: 2)
        alpha[0] = 0
        alpha[1] = 255
        let image = try RGBImage(width: 7, height: 5, pixels: Self.pattern(count: 7 * 5 * 3, seed: 3), alpha: alpha)
        let readBack = try RGBImage(pngData: image.pngData())
        #expect(readBack == image)
        #expect(try Mask(pngData: image.pngData()).bytes == alpha)
    }

    @Test("Gray mask round trip through a file keeps every byte and is read back as gray")
    func maskFileRoundTrip() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let mask = try Mask(width: 13, height: 9, bytes: Self.pattern(count: 13 * 9, seed: 4))
        let url = directory.appendingPathComponent("mask.png")
        try mask.writePNG(to: url)
        #expect(try Mask(png: url) == mask)
        let asImage = try RGBImage(png: url)
        #expect(asImage.alpha == nil)
        #expect(asImage.pixels == mask.bytes.flatMap { [$0, $0, $0] })
    }

    @Test("Writing an image file replaces an existing one")
    func imageFileRoundTrip() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("image.png")
        let first = try RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 4, 5, 6])
        let second = try RGBImage(width: 1, height: 2, pixels: [9, 8, 7, 6, 5, 4], alpha: [10, 200])
        try first.writePNG(to: url)
        try second.writePNG(to: url)
        #expect(try RGBImage(png: url) == second)
    }

    @Test("Re-encoding a decoded fixture gives back the same pixels", arguments: ["palette_trns.png", "rgb16.png", "gray2.png"])
    func reencodeFixture(name: String) throws {
        let image = try RGBImage(png: Fixtures.url(name))
        #expect(try RGBImage(pngData: image.pngData()) == image)
    }

    @Test("Writing into a missing directory is a clear error")
    func unwritablePath() throws {
        let url = URL(fileURLWithPath: "/nonexistent-ldb-directory/out.png")
        let mask = try Mask(width: 1, height: 1, bytes: [255])
        #expect {
            try mask.writePNG(to: url)
        } throws: { error in
            guard case .unwritableFile(let path, _) = error as? ImageError else { return false }
            return path == url.path
        }
    }

    @Test("Images whose arrays do not fit their size are refused")
    func rejectsWrongSizes() {
        #expect(throws: ImageError.sampleCountMismatch(what: "A 2x1 RGB image", expected: 6, actual: 5)) {
            try RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 4, 5])
        }
        #expect(throws: ImageError.sampleCountMismatch(what: "The alpha plane of a 2x1 image", expected: 2, actual: 1)) {
            try RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 4, 5, 6], alpha: [0])
        }
        #expect(throws: ImageError.invalidDimensions(what: "An RGB image", width: -1, height: 1)) {
            try RGBImage(width: -1, height: 1, pixels: [])
        }
    }
}
