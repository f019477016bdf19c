import Foundation
import LDBImage
import Testing

@Suite("Reading every PNG kind")
struct PNGReadingTests {
    static let names = [
        "gray1.png", "gray2.png", "gray4.png", "gray8.png", "gray16.png",
        "gray_alpha8.png", "gray_alpha16.png", "rgb8.png", "rgb16.png", "rgba8.png", "rgba16.png",
        "palette.png", "palette_trns.png", "rgb16_trns.png",
        "rgb8_interlaced.png", "gray2_interlaced.png", "palette_interlaced.png", "gray16_interlaced.png",
        "gray16_adam7_filtered.png", "gray_alpha16_adam7_filtered.png", "rgb16_adam7_filtered.png",
        "rgb16_adam7_trns.png", "rgba16_adam7_filtered.png",
    ]

    @Test("The fixture list covers every image the fixture script wrote")
    func coversAllFixtures() throws {
        let expected = try #require(Fixtures.expected)
        #expect(Set(Self.names) == Set(expected.images.keys))
    }

    @Test("RGB and alpha match the values the fixture writer started from", arguments: names)
    func readsExactValues(name: String) throws {
        let expected = try #require(Fixtures.expected?.images[name], "no expected values for \(name)")
        let image = try RGBImage(png: Fixtures.url(name))
        #expect(image.width == expected.width)
        #expect(image.height == expected.height)
        #expect(image.pixels == expected.rgb, "\(expected.kind) pixels differ")
        #expect(image.alpha == expected.alpha, "\(expected.kind) alpha differs")
    }

    @Test("Reading from Data gives the same image as reading the file", arguments: ["gray4.png", "rgba16.png", "palette_trns.png"])
    func readsFromData(name: String) throws {
        let fromFile = try RGBImage(png: Fixtures.url(name))
        let fromData = try RGBImage(pngData: Fixtures.data(name))
        #expect(fromFile == fromData)
    }

    @Test("16-bit Adam7 files, which libpng's simplified reader garbles when scaling to 8 bits, read exactly",
          arguments: ["gray16_interlaced.png", "gray16_adam7_filtered.png", "rgba16_adam7_filtered.png"])
    func sixteenBitInterlaced(name: String) throws {
        let expected = try #require(Fixtures.expected?.images[name])
        let mask = try Mask(png: Fixtures.url(name))
        #expect(mask.width == 13 && mask.height == 9)
        #expect(mask.bytes == expected.mask)
    }
}
