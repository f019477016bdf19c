/// An error reading, writing or building an image, a mask or a float plane.
///
/// `source` names where PNG bytes came from: a file path, or `"PNG data"` for bytes held in memory.
public enum ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No file exists at `path`.
    case fileNotFound(path: String)
    /// The file exists but could not be read.
    case unreadableFile(path: String, reason: String)
    /// The bytes do not start with the PNG signature.
    case notPNG(source: String)
    /// libpng rejected the PNG (truncated data, bad CRC, broken zlib stream, invalid header...).
    case invalidPNG(source: String, message: String)
    /// The PNG is larger than ``PNGLimits/maximumSide`` pixels on one side.
    case imageTooLarge(source: String, width: Int, height: Int, limit: Int)
    /// Width or height is zero or negative.
    case invalidDimensions(what: String, width: Int, height: Int)
    /// A sample array does not hold width * height * channels values.
    case sampleCountMismatch(what: String, expected: Int, actual: Int)
    /// A rectangle mask was asked for with a zero or negative size.
    case emptyRectangle(width: Int, height: Int)
    /// A rectangle mask does not fit inside the image.
    case rectangleOutsideImage(x: Int, y: Int, width: Int, height: Int, imageWidth: Int, imageHeight: Int)
    /// A blur sigma that is negative, not finite, or above ``FloatPlane/maximumBlurSigma``.
    case invalidBlurSigma(Double)
    /// A downsampling factor that is not positive or does not divide the plane's size.
    case invalidDownsampleFactor(factor: Int, width: Int, height: Int)
    /// libpng could not encode the pixels.
    case encodingFailed(message: String)
    /// The encoded PNG could not be written to `path`.
    case unwritableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            "No image file at \(path)."
        case .unreadableFile(let path, let reason):
            "Cannot read image file \(path): \(reason)"
        case .notPNG(let source):
            "\(source) is not a PNG image (the PNG signature is missing)."
        case .invalidPNG(let source, let message):
            "\(source) is not a valid PNG: \(message)"
        case .imageTooLarge(let source, let width, let height, let limit):
            "\(source) is \(width)x\(height) pixels; images larger than \(limit) pixels on a side are refused."
        case .invalidDimensions(let what, let width, let height):
            "\(what) must have a positive size, got \(width)x\(height)."
        case .sampleCountMismatch(let what, let expected, let actual):
            "\(what) needs \(expected) values, got \(actual)."
        case .emptyRectangle(let width, let height):
            "A rectangle mask needs a positive width and height, got \(width)x\(height)."
        case .rectangleOutsideImage(let x, let y, let width, let height, let imageWidth, let imageHeight):
            "The rectangle \(width)x\(height) at (\(x), \(y)) does not fit inside a \(imageWidth)x\(imageHeight) image."
        case .invalidBlurSigma(let sigma):
            "The blur sigma must be between 0 and \(FloatPlane.maximumBlurSigma) pixels, got \(sigma)."
        case .invalidDownsampleFactor(let factor, let width, let height):
            "Cannot downsample a \(width)x\(height) plane by \(factor): the factor must be positive and divide both sides."
        case .encodingFailed(let message):
            "Cannot encode the PNG: \(message)"
        case .unwritableFile(let path, let reason):
            "Cannot write image file \(path): \(reason)"
        }
    }
}
