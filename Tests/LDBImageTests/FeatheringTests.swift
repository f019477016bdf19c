import LDBImage
import Testing

@Suite("Gaussian feathering against scipy.ndimage.gaussian_filter")
struct FeatheringTests {
    @Test("Feathered masks match scipy (mode nearest, truncate 3) to 1e-6")
    func matchesScipy() throws {
        let feather = try #require(Fixtures.expected?.feather)
        #expect(feather.cases.count == 14)
        for reference in feather.cases {
            let bytes = try #require(feather.masks[reference.mask])
            let mask = try Mask(width: feather.width, height: feather.height, bytes: bytes)
            let blurred = try mask.feathered(sigma: reference.sigma)
            #expect(blurred.width == feather.width && blurred.height == feather.height)
            let worst = zip(blurred.values, reference.values).map { abs(Double($0) - $1) }.max() ?? .infinity
            #expect(worst < 1e-6, "mask \(reference.mask), sigma \(reference.sigma): max error \(worst)")
        }
    }

    @Test("Blurring a float plane agrees with feathering the mask it came from")
    func planeBlurMatchesMaskFeather() throws {
        let feather = try #require(Fixtures.expected?.feather)
        let mask = try Mask(width: feather.width, height: feather.height, bytes: #require(feather.masks["noisy"]))
        let fromPlane = try FloatPlane(mask).gaussianBlurred(sigma: 1.7)
        let fromMask = try mask.feathered(sigma: 1.7)
        let worst = zip(fromPlane.values, fromMask.values).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-6)
    }

    @Test("Sigma 0 is the identity")
    func zeroSigma() throws {
        let mask = try Mask.rectangle(width: 5, height: 4, x: 1, y: 1, w: 2, h: 2)
        #expect(try mask.feathered(sigma: 0).values == mask.floatValues())
    }

    @Test("A constant plane stays constant and mass is kept away from the edges")
    func invariants() throws {
        let constant = try FloatPlane(width: 6, height: 3, values: [Float](repeating: 0.25, count: 18))
        #expect(try constant.gaussianBlurred(sigma: 2).values.allSatisfy { abs($0 - 0.25) < 1e-7 })
        var impulse = [Float](repeating: 0, count: 21 * 21)
        impulse[10 * 21 + 10] = 1
        let spread = try FloatPlane(width: 21, height: 21, values: impulse).gaussianBlurred(sigma: 1.5)
        #expect(abs(spread.values.reduce(0, +) - 1) < 1e-6)
        #expect(spread.values[10 * 21 + 9] == spread.values[10 * 21 + 11])
        #expect(spread.values[9 * 21 + 10] == spread.values[10 * 21 + 9])
    }

    @Test("Bad sigmas are refused", arguments: [-1, .nan, .infinity, 5000])
    func badSigma(sigma: Double) throws {
        let mask = try Mask(width: 1, height: 1, bytes: [255])
        #expect(throws: ImageError.self) { try mask.feathered(sigma: sigma) }
    }
}
