import Foundation
import LDBImage
import Testing

@Suite("Reading bad input fails with a clear error")
struct PNGErrorTests {
    @Test("A missing file names its path")
    func missingFile() {
        let url = Fixtures.url("does-not-exist.png")
        #expect(throws: ImageError.fileNotFound(path: url.path)) { try RGBImage(png: url) }
        #expect(throws: ImageError.fileNotFound(path: url.path)) { try Mask(png: url) }
    }

    @Test("A directory is an unreadable file, not a crash")
    func directoryInsteadOfFile() {
        #expect {
            try RGBImage(png: Fixtures.directory)
        } throws: { error in
            guard case .unreadableFile(let path, _) = error as? ImageError else { return false }
            return path == Fixtures.directory.path
        }
    }

    @Test("Bytes that are not a PNG are refused", arguments: [
        Data(), Data("hello".utf8), Data([0x89, 0x50, 0x4E, 0x47]), Data("GIF89a\u{0}\u{0}\u{0}\u{0}".utf8),
    ])
    func notPNG(data: Data) {
        #expect(throws: ImageError.notPNG(source: "PNG data")) { try RGBImage(pngData: data) }
    }

    @Test("A text file is not a PNG, and the error names the file")
    func textFile() throws {
        let url = Fixtures.url("expected.json")
        #expect(throws: ImageError.notPNG(source: url.path)) { try Mask(png: url) }
        #expect(ImageError.notPNG(source: url.path).description.contains("expected.json"))
    }

    @Test("A file cut at any length fails with libpng's message", arguments: [8, 9, 16, 33, 40, 60, 100, 150, 165])
    func truncated(length: Int) throws {
        let data = try Fixtures.data("rgb8.png")
        try #require(length < data.count)
        #expect {
            try RGBImage(pngData: data.prefix(length))
        } throws: { error in
            guard case .invalidPNG(let source, let message) = error as? ImageError else { return false }
            return source == "PNG data" && !message.isEmpty
        }
    }

    @Test("Every truncation of a valid file throws and never crashes")
    func everyTruncation() throws {
        let data = try Fixtures.data("rgba8.png")
        for length in 0..<data.count - 12 {  // the last 12 bytes are IEND, which the decoder does not need
            #expect(throws: ImageError.self, "cut at \(length)") { try RGBImage(pngData: data.prefix(length)) }
        }
    }

    @Test("A bad CRC in image data is reported with the path")
    func corruptCRC() throws {
        let url = Fixtures.url("corrupt_crc.png")
        #expect {
            try RGBImage(png: url)
        } throws: { error in
            guard case .invalidPNG(let source, let message) = error as? ImageError else { return false }
            return source == url.path && message.localizedCaseInsensitiveContains("crc")
        }
    }

    @Test("Broken zlib data is reported with the path")
    func corruptZlib() throws {
        let url = Fixtures.url("corrupt_zlib.png")
        #expect {
            try Mask(png: url)
        } throws: { error in
            guard case .invalidPNG(let source, let message) = error as? ImageError else { return false }
            return source == url.path && !message.isEmpty
        }
    }

    @Test("A header claiming more than the side limit is refused before decoding")
    func oversized() throws {
        let url = Fixtures.url("oversized.png")
        #expect(throws: ImageError.imageTooLarge(source: url.path, width: 20000, height: 3, limit: PNGLimits.maximumSide)) {
            try RGBImage(png: url)
        }
    }

    @Test("Random byte flips either decode or throw an ImageError", arguments: ["rgb8.png", "palette_trns.png", "rgba16_adam7_filtered.png"])
    func fuzz(name: String) throws {
        let original = try Fixtures.data(name)
        var generator = SplitMix64(seed: UInt64(original.count))
        var failures = 0
        for _ in 0..<200 {
            var mutated = original
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                let index = Int(generator.next() % UInt64(mutated.count))
                mutated[index] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            }
            do {
                let image = try RGBImage(pngData: mutated)
                let mask = try Mask(pngData: mutated)
                #expect(image.pixels.count == image.width * image.height * 3)
                #expect(mask.bytes.count == mask.width * mask.height)
            } catch {
                failures += 1
            }
        }
        // Nearly every flip lands in a CRC-checked chunk, so most mutations must be rejected.
        #expect(failures > 100)
    }
}

/// A small deterministic generator, so the fuzz loop is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
