import Foundation

/// An 8-bit mask at image resolution: 255 marks pixels to edit, 0 pixels to keep.
///
/// ``bytes`` (row-major, `width * height`) is what a document stores for a layer's mask.
public struct Mask: Equatable, Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width * height` values, row by row from the top-left; 255 = edit.
    public let bytes: [UInt8]

    /// Makes a mask from row-major bytes.
    ///
    /// - Throws: ``ImageError/invalidDimensions(what:width:height:)`` or
    ///   ``ImageError/sampleCountMismatch(what:expected:actual:)`` when `bytes` does not fit the size.
    public init(width: Int, height: Int, bytes: [UInt8]) throws(ImageError) {
        guard width > 0, height > 0 else { throw .invalidDimensions(what: "A mask", width: width, height: height) }
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow else { throw .invalidDimensions(what: "A mask", width: width, height: height) }
        guard bytes.count == count else {
            throw .sampleCountMismatch(what: "A \(width)x\(height) mask", expected: count, actual: bytes.count)
        }
        self.width = width
        self.height = height
        self.bytes = bytes
    }

    /// Makes a mask whose bytes are already known to fit the size.
    private init(validatedWidth width: Int, height: Int, bytes: [UInt8]) {
        self.width = width
        self.height = height
        self.bytes = bytes
    }

    /// Reads a mask from the PNG file at `url`; see ``init(pngData:)`` for the rule.
    public init(png url: URL) throws(ImageError) {
        self.init(try PNGReader.read(contentsOf: url))
    }

    /// Reads a mask from PNG bytes with this rule:
    /// - a PNG with alpha (gray+alpha, RGBA, or a palette or gray image with a tRNS chunk): the alpha channel;
    /// - otherwise a gray PNG: its gray values;
    /// - otherwise (RGB or palette without tRNS): the luma `(19595 R + 38470 G + 7471 B + 32768) >> 16`,
    ///   ITU-R 601 weights, the same as PIL's `convert("L")`.
    ///
    /// Samples of fewer than 8 bits are scaled to 0...255 and 16-bit samples are rounded to 8 bits. Gray values
    /// follow the same colour handling as ``RGBImage/init(pngData:)``; alpha is never gamma-converted.
    public init(pngData: Data) throws(ImageError) {
        self.init(try PNGReader.decode(pngData, source: PNGReader.dataSource))
    }

    private init(_ decoded: PNGSamples) {
        width = decoded.width
        height = decoded.height
        switch decoded.layout {
        case .gray:
            bytes = decoded.samples
        case .grayAlpha:
            bytes = decoded.plane(1)
        case .rgba:
            bytes = decoded.plane(3)
        case .rgb:
            bytes = (0..<(decoded.width * decoded.height)).map { index in
                let red = UInt32(decoded.samples[index * 3])
                let green = UInt32(decoded.samples[index * 3 + 1])
                let blue = UInt32(decoded.samples[index * 3 + 2])
                return UInt8((19595 * red + 38470 * green + 7471 * blue + 32768) >> 16)
            }
        }
    }

    /// A mask that is 255 inside the `w` x `h` box whose top-left corner is (`x`, `y`), 0 elsewhere.
    ///
    /// - Throws: ``ImageError/emptyRectangle(width:height:)`` when `w` or `h` is not positive,
    ///   ``ImageError/rectangleOutsideImage(x:y:width:height:imageWidth:imageHeight:)`` when the box
    ///   does not lie entirely inside the image, ``ImageError/imageTooLarge(source:width:height:limit:)`` when
    ///   the image is larger than ``PNGLimits/maximumSide`` on a side.
    public static func rectangle(width: Int, height: Int, x: Int, y: Int, w: Int, h: Int) throws(ImageError) -> Mask {
        guard width > 0, height > 0 else { throw .invalidDimensions(what: "A mask", width: width, height: height) }
        guard width <= PNGLimits.maximumSide, height <= PNGLimits.maximumSide else {
            throw .imageTooLarge(source: "A rectangle mask", width: width, height: height, limit: PNGLimits.maximumSide)
        }
        guard w > 0, h > 0 else { throw .emptyRectangle(width: w, height: h) }
        guard x >= 0, y >= 0, x <= width - w, y <= height - h else {
            throw .rectangleOutsideImage(x: x, y: y, width: w, height: h, imageWidth: width, imageHeight: height)
        }
        var bytes = [UInt8](repeating: 0, count: width * height)
        for row in y..<(y + h) {
            bytes.replaceSubrange((row * width + x)..<(row * width + x + w), with: repeatElement(255, count: w))
        }
        return Mask(validatedWidth: width, height: height, bytes: bytes)
    }

    /// The values as `byte / 255`, in [0, 1], row-major.
    public func floatValues() -> [Float] {
        bytes.map { Float($0) / 255 }
    }

    /// The mask with edit and keep swapped: each byte `b` becomes `255 - b`.
    public func inverted() -> Mask {
        Mask(validatedWidth: width, height: height, bytes: bytes.map { 255 - $0 })
    }

    /// The mask as an 8-bit gray PNG.
    public func pngData() throws(ImageError) -> Data {
        try PNGWriter.encode(bytes, width: width, height: height, layout: .gray)
    }

    /// Writes the mask as an 8-bit gray PNG file, replacing any file at `url`.
    public func writePNG(to url: URL) throws(ImageError) {
        try PNGWriter.write(try pngData(), to: url)
    }
}
