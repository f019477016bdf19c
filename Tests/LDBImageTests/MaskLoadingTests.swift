import Foundation
import LDBImage
import Testing

@Suite("Mask loading rule")
struct MaskLoadingTests {
    @Test("Gray PNGs give their gray values, 16-bit rounded to 8",
          arguments: ["gray1.png", "gray2.png", "gray4.png", "gray8.png", "gray16.png", "gray2_interlaced.png",
                     "gray16_interlaced.png", "gray16_adam7_filtered.png"])
    func grayGivesGray(name: String) throws {
        let expected = try #require(Fixtures.expected?.images[name])
        let mask = try Mask(png: Fixtures.url(name))
        #expect(mask.bytes == expected.mask)
        #expect(mask.bytes == stride(from: 0, to: expected.rgb.count, by: 3).map { expected.rgb[$0] })
    }

    @Test("PNGs with alpha give their alpha channel",
          arguments: ["gray_alpha8.png", "gray_alpha16.png", "rgba8.png", "rgba16.png", "palette_trns.png", "rgb16_trns.png",
                     "palette_interlaced.png", "gray_alpha16_adam7_filtered.png", "rgb16_adam7_trns.png",
                     "rgba16_adam7_filtered.png"])
    func alphaWins(name: String) throws {
        let expected = try #require(Fixtures.expected?.images[name])
        let mask = try Mask(pngData: Fixtures.data(name))
        #expect(mask.bytes == expected.mask)
        #expect(mask.bytes == expected.alpha)
    }

    @Test("RGB PNGs without alpha give PIL's luma", arguments: ["rgb8.png", "rgb16.png", "palette.png", "rgb8_interlaced.png", "rgb16_adam7_filtered.png"])
    func rgbGivesLuma(name: String) throws {
        let expected = try #require(Fixtures.expected?.images[name])
        let mask = try Mask(png: Fixtures.url(name))
        #expect(mask.width == expected.width && mask.height == expected.height)
        #expect(mask.bytes == expected.mask)
    }

    @Test("floatValues divides by 255 and inverted swaps edit and keep")
    func floatValuesAndInversion() throws {
        let mask = try Mask(width: 2, height: 2, bytes: [0, 51, 255, 128])
        #expect(mask.floatValues() == [0, 0.2, 1, Float(128) / 255])
        #expect(mask.inverted().bytes == [255, 204, 0, 127])
        #expect(mask.inverted().inverted() == mask)
    }

    @Test("A mask's bytes must fit its size")
    func rejectsWrongByteCount() {
        #expect(throws: ImageError.sampleCountMismatch(what: "A 3x2 mask", expected: 6, actual: 5)) {
            try Mask(width: 3, height: 2, bytes: [1, 2, 3, 4, 5])
        }
        #expect(throws: ImageError.invalidDimensions(what: "A mask", width: 0, height: 2)) {
            try Mask(width: 0, height: 2, bytes: [])
        }
    }
}
