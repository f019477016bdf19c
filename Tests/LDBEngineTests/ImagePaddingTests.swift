import Foundation
import LDBDocument
import LDBEngine
import LDBImage
import LDBTensor
import Testing

/// Pictures whose sides are not multiples of the VAE's factor (docs/algorithm.md, "Image sizes and padding"):
/// rendered on a canvas grown to the next multiples of 8 and cropped back, at exactly the picture's size.
@Suite struct ImagePaddingTests {
    static let (width, height) = (61, 47)

    static func settings(region: RegionMode = .full) -> ProjectSettings {
        ProjectSettings(width: width, height: height, steps: 6, blendSteps: 2, prompt: "a watercolor lighthouse",
                        negativePrompt: "blurry", guidance: 7.5, seed: 1234, region: region, regionMargin: 2)
    }

    static func box(x: Int, y: Int, w: Int, h: Int) throws -> Mask {
        try EngineFixtures.box(x: x, y: y, w: w, h: h, width: width, height: height)
    }

    /// A picture with a different value in every pixel and channel, so that any misplaced pixel shows.
    static func gradient() throws -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width { pixels += [UInt8(x * 4), UInt8(y * 5), UInt8((x * 7 + y * 3) % 256)] }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }

    /// The pixels at x >= 48 (more than f + 3f from a box at the left edge up to x = 16): the right border.
    static func rightOfTheBox(_ image: RGBImage) -> [UInt8] {
        (0..<image.height).flatMap { y in image.pixels[((y * image.width + 48) * 3)..<((y + 1) * image.width * 3)] }
    }

    @Test func theCanvasIsThePictureGrownToMultiplesOfTheFactor() throws {
        let padding = ImagePadding(width: 61, height: 47, factor: 8)
        #expect((padding.canvasWidth, padding.canvasHeight) == (64, 48))
        #expect(padding.pads)
        #expect(!ImagePadding(width: 64, height: 48, factor: 8).pads)
        #expect((ImagePadding(width: 1, height: 9, factor: 4).canvasWidth,
                 ImagePadding(width: 1, height: 9, factor: 4).canvasHeight) == (4, 12))

        // Reflection about the last column and row, as torch's "reflect" pads.
        let picture = try Self.gradient()
        let canvas = try padding.reflected(picture)
        #expect((canvas.width, canvas.height) == (64, 48))
        func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [UInt8] {
            Array(image.pixels[((y * image.width + x) * 3)..<((y * image.width + x) * 3 + 3)])
        }
        for (x, y) in [(0, 0), (60, 46), (13, 29)] { #expect(pixel(canvas, x, y) == pixel(picture, x, y)) }
        #expect(pixel(canvas, 61, 5) == pixel(picture, 59, 5))
        #expect(pixel(canvas, 63, 5) == pixel(picture, 57, 5))
        #expect(pixel(canvas, 7, 47) == pixel(picture, 7, 45))
        #expect(pixel(canvas, 62, 47) == pixel(picture, 58, 45))
        // A picture one pixel wide repeats it.
        let column = try RGBImage(width: 1, height: 2, pixels: [1, 2, 3, 4, 5, 6])
        let first: [UInt8] = [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]
        let second: [UInt8] = [4, 5, 6, 4, 5, 6, 4, 5, 6, 4, 5, 6]
        let reflectedColumn = try ImagePadding(width: 1, height: 2, factor: 4).reflected(column)
        #expect(reflectedColumn.pixels == first + second + first + second)

        // Cropping takes the picture's top-left part of the canvas back.
        let tensor = Tensor(shape: [1, 3, 48, 64], scalars: try canvas.tensorValues())
        #expect(padding.cropped(tensor).scalars == picture.tensorValues())
    }

    @Test func edgeCellsWeighThePicturesPixelsTheyCover() throws {
        let padding = ImagePadding(width: 61, height: 47, factor: 8)
        let full = try padding.latentMask(FloatPlane(Mask.rectangle(width: 61, height: 47, x: 0, y: 0, w: 61, h: 47)))
        #expect((full.width, full.height) == (8, 6))
        #expect(full.values.allSatisfy { $0 == 1 }, "a mask covering the picture covers every cell fully")
        // The last column of cells covers the picture's columns 56..<61: a mask of 56..<59 fills 3/5 of it.
        let strip = try padding.latentMask(FloatPlane(Mask.rectangle(width: 61, height: 47, x: 56, y: 0, w: 3, h: 47)))
        #expect(abs(strip.values[7] - 3.0 / 5) < 1e-6)
        #expect(strip.values[6] == 0)
        // No padding: the plain area average, bit for bit.
        let plane = try FloatPlane(Mask.rectangle(width: 64, height: 48, x: 5, y: 3, w: 30, h: 17))
        #expect(try ImagePadding(width: 64, height: 48, factor: 8).latentMask(plane) == plane.areaDownsampled(by: 8))
    }

    @Test func aGeneratedPictureRendersAtItsOwnSize() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder, settings: Self.settings())
        // The layer touches the right and bottom borders, where the canvas is padded.
        try EngineFixtures.addLayer(project, "corner", prompt: "a red roof", seed: 11, regenSteps: 4,
                                    mask: Self.box(x: 40, y: 30, w: 21, h: 17)) { $0.strength = 1 }
        let engine = try EngineFixtures.engine(project)
        let result = try engine.render(keepBackground: false)
        #expect((result.image.width, result.image.height) == (61, 47))
        #expect(result.latent.shape == [1, 4, 6, 8])
        #expect(result.latent.scalars.allSatisfy { $0.isFinite })
        #expect(result.stats.vaeDecodedPixels == 64 * 48)
        // The picture is the top-left of the decoded canvas: nothing of the padding shows.
        let decoded = try engine.backend.decode(latent: result.latent)
        let cropped = ImagePadding(width: 61, height: 47, factor: 8).cropped(decoded)
        #expect(result.image == (try RGBImage(width: 61, height: 47, tensorValues: cropped.scalars)))
        // The layer's edge cells are fully on (edge cells weigh only the picture's pixels).
        let layer = try project.layer("corner")
        #expect(try engine.latentMask(for: layer).values[5 * 8 + 7] == 1)
    }

    @Test func keepBackgroundHoldsUpToTheBorder() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder, settings: Self.settings())
        try EngineFixtures.addLayer(project, "roof", prompt: "a red roof", seed: 11, regenSteps: 5,
                                    mask: Self.box(x: 0, y: 0, w: 16, h: 16)) { $0.strength = 1 }
        let engine = try EngineFixtures.engine(project)
        let plain = try engine.render(keepBackground: false)
        let kept = try engine.render(keepBackground: true)
        try EngineFixtures.editLayer(project, "roof") { $0.visible = false }
        let base = try engine.render(keepBackground: false).image
        #expect(Self.rightOfTheBox(kept.image) == Self.rightOfTheBox(base))
        #expect(Self.rightOfTheBox(plain.image) != Self.rightOfTheBox(base))
    }

    @Test func aRealPictureIsReflectedBeforeItIsEncoded() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try Self.gradient()
        let settings = ProjectSettings(width: Self.width, height: Self.height, steps: 6, blendSteps: 2,
                                       prompt: "a photo", guidance: 1)
        let project = try EngineFixtures.project(in: folder, settings: settings, sourceImagePNG: source.pngData())
        try EngineFixtures.addLayer(project, "roof", prompt: "a red roof", seed: 11, regenSteps: 4,
                                    mask: Self.box(x: 0, y: 0, w: 16, h: 16))
        let engine = try EngineFixtures.engine(project)
        let kept = try engine.render(keepBackground: true)
        #expect(kept.stats.vaeEncodes == 1)
        #expect((kept.image.width, kept.image.height) == (61, 47))
        #expect(Self.rightOfTheBox(kept.image) == Self.rightOfTheBox(source))

        // Z[0] is the encoding of the reflected canvas.
        let canvas = try ImagePadding(width: 61, height: 47, factor: 8).reflected(source)
        let encoded = try engine.backend.encode(image: Tensor(shape: [1, 3, 48, 64], scalars: canvas.tensorValues()))
        #expect(try engine.baseTrajectory().last == encoded)
    }

    @Test func regionModeRendersAtThePicturesSize() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder, settings: Self.settings(region: .crop))
        let engine = try EngineFixtures.engine(project)
        let base = try engine.render(keepBackground: false)
        try EngineFixtures.addLayer(project, "corner", prompt: "a red roof", seed: 11, regenSteps: 4,
                                    mask: Self.box(x: 48, y: 32, w: 13, h: 15)) { $0.strength = 1 }
        let result = try engine.render(keepBackground: false)
        #expect((result.image.width, result.image.height) == (61, 47))
        #expect(result.latent.scalars.allSatisfy { $0.isFinite })
        #expect(result.image != base.image)
        // Far from the corner (cells at Chebyshev distance >= r = 1 from the support get w = 0) the base stays.
        func topLeft(_ image: RGBImage) -> [UInt8] {
            (0..<16).flatMap { y in image.pixels[(y * image.width * 3)..<((y * image.width + 24) * 3)] }
        }
        #expect(topLeft(result.image) == topLeft(base.image))
    }
}
