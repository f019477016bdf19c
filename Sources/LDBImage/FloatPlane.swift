/// A single-channel plane of Float values, row-major: a feathered mask or a latent-resolution mask.
public struct FloatPlane: Equatable, Sendable {
    /// Width in values.
    public let width: Int
    /// Height in values.
    public let height: Int
    /// `width * height` values, row by row from the top-left.
    public let values: [Float]

    /// Makes a plane from row-major values.
    ///
    /// - Throws: ``ImageError/invalidDimensions(what:width:height:)`` or
    ///   ``ImageError/sampleCountMismatch(what:expected:actual:)`` when `values` does not fit the size.
    public init(width: Int, height: Int, values: [Float]) throws(ImageError) {
        guard width > 0, height > 0 else { throw .invalidDimensions(what: "A float plane", width: width, height: height) }
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow else { throw .invalidDimensions(what: "A float plane", width: width, height: height) }
        guard values.count == count else {
            throw .sampleCountMismatch(what: "A \(width)x\(height) float plane", expected: count, actual: values.count)
        }
        self.width = width
        self.height = height
        self.values = values
    }

    /// A plane of the mask's values in [0, 1] (`byte / 255`).
    public init(_ mask: Mask) {
        self.init(validatedWidth: mask.width, height: mask.height, values: mask.floatValues())
    }

    /// Makes a plane whose values are already known to fit the size.
    init(validatedWidth width: Int, height: Int, values: [Float]) {
        self.width = width
        self.height = height
        self.values = values
    }
}
