import LDBImage
import Testing

@Suite("Image to and from VAE tensor values")
struct TensorConversionTests {
    @Test("Pixels become p / 127.5 - 1 in channel-planar order")
    func toTensor() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [0, 255, 51, 102, 127, 128], alpha: [0, 0])
        let values = image.tensorValues()
        // Planes: R = [0, 102], G = [255, 127], B = [51, 128]; compared with the diffusers formula 2 * (p / 255) - 1.
        let expected: [Float] = [0, 102, 255, 127, 51, 128].map { 2 * (Float($0) / 255) - 1 }
        #expect(values == expected)
        #expect(values[0] == -1 && values[2] == 1)
    }

    @Test("Tensor values map back to the same pixels")
    func roundTrip() throws {
        let pixels = (0..<(4 * 3 * 3)).map { UInt8(($0 * 29) % 256) }
        let image = try RGBImage(width: 4, height: 3, pixels: pixels)
        let back = try RGBImage(width: 4, height: 3, tensorValues: image.tensorValues())
        #expect(back == image)
    }

    @Test("Out-of-range values are clamped, NaN becomes 0, and 0 maps to 128")
    func clampingAndRounding() throws {
        // Planes of a 2x1 image: R = [-3, 2], G = [NaN, -1], B = [0, 1].
        let image = try RGBImage(width: 2, height: 1, tensorValues: [-3, 2, .nan, -1, 0, 1])
        #expect(image.pixels == [0, 0, 128, 255, 0, 255])
        #expect(image.alpha == nil)
    }

    @Test("A tensor of the wrong length is refused")
    func wrongLength() {
        #expect(throws: ImageError.sampleCountMismatch(what: "A 2x2 RGB tensor", expected: 12, actual: 11)) {
            try RGBImage(width: 2, height: 2, tensorValues: [Float](repeating: 0, count: 11))
        }
    }
}
