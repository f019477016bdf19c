import Foundation

/// An 8-bit RGB image, with an optional alpha plane, stored row-major with channels interleaved.
///
/// Reading accepts every PNG colour type and bit depth: gray is expanded to RGB by repeating the value,
/// palettes are expanded to their colours, samples of fewer than 8 bits are scaled to 0...255 and 16-bit
/// samples are rounded to 8 bits. The alpha plane is present exactly when the PNG has alpha (an alpha
/// channel, or a tRNS chunk). Values come out sRGB-encoded as libpng's simplified API defines it: files
/// without colour information, or tagged sRGB or with a gAMA close to it, are taken as stored; a gAMA
/// chunk far from sRGB (such as 1.0) is converted to sRGB.
public struct RGBImage: Equatable, Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width * height * 3` bytes: R, G, B of each pixel, row by row from the top-left.
    public let pixels: [UInt8]
    /// `width * height` straight (not premultiplied) alpha bytes, row-major, or `nil` for an opaque image.
    public let alpha: [UInt8]?

    /// Makes an image from interleaved RGB bytes and an optional alpha plane.
    ///
    /// - Throws: ``ImageError/invalidDimensions(what:width:height:)`` or
    ///   ``ImageError/sampleCountMismatch(what:expected:actual:)`` when the arrays do not fit the size.
    public init(width: Int, height: Int, pixels: [UInt8], alpha: [UInt8]? = nil) throws(ImageError) {
        guard width > 0, height > 0 else { throw .invalidDimensions(what: "An RGB image", width: width, height: height) }
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, count <= Int.max / 3 else {
            throw .invalidDimensions(what: "An RGB image", width: width, height: height)
        }
        guard pixels.count == count * 3 else {
            throw .sampleCountMismatch(what: "A \(width)x\(height) RGB image", expected: count * 3, actual: pixels.count)
        }
        if let alpha, alpha.count != count {
            throw .sampleCountMismatch(what: "The alpha plane of a \(width)x\(height) image", expected: count, actual: alpha.count)
        }
        self.width = width
        self.height = height
        self.pixels = pixels
        self.alpha = alpha
    }

    /// Reads the PNG file at `url`.
    public init(png url: URL) throws(ImageError) {
        self.init(try PNGReader.read(contentsOf: url))
    }

    /// Decodes PNG bytes held in memory.
    public init(pngData: Data) throws(ImageError) {
        self.init(try PNGReader.decode(pngData, source: PNGReader.dataSource))
    }

    private init(_ decoded: PNGSamples) {
        width = decoded.width
        height = decoded.height
        let channels = decoded.layout.channelCount
        let colorChannels = decoded.layout == .gray || decoded.layout == .grayAlpha ? 1 : 3
        if channels == 3 {
            pixels = decoded.samples
        } else {
            var rgb = [UInt8](repeating: 0, count: width * height * 3)
            for index in 0..<(width * height) {
                for channel in 0..<3 {
                    rgb[index * 3 + channel] = decoded.samples[index * channels + min(channel, colorChannels - 1)]
                }
            }
            pixels = rgb
        }
        alpha = decoded.layout.hasAlpha ? decoded.plane(channels - 1) : nil
    }

    /// The image as an 8-bit PNG: RGBA when it has an alpha plane, RGB otherwise.
    public func pngData() throws(ImageError) -> Data {
        guard let alpha else {
            return try PNGWriter.encode(pixels, width: width, height: height, layout: .rgb)
        }
        var rgba = [UInt8]()
        rgba.reserveCapacity(width * height * 4)
        for index in 0..<(width * height) {
            rgba.append(contentsOf: pixels[(index * 3)..<(index * 3 + 3)])
            rgba.append(alpha[index])
        }
        return try PNGWriter.encode(rgba, width: width, height: height, layout: .rgba)
    }

    /// Writes the image as a PNG file (see ``pngData()``), replacing any file at `url`.
    public func writePNG(to url: URL) throws(ImageError) {
        try PNGWriter.write(try pngData(), to: url)
    }
}
