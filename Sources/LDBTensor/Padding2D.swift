/// Zero padding added around the height and width of an image before a convolution.
///
/// An integer literal pads all four sides equally, as PyTorch's `padding=p`; the explicit form expresses
/// the asymmetric `F.pad(x, (0, 1, 0, 1))` of diffusers' VAE downsampler.
public struct Padding2D: Equatable, Sendable, ExpressibleByIntegerLiteral {
    /// Rows of zeros above the image.
    public var top: Int
    /// Columns of zeros left of the image.
    public var left: Int
    /// Rows of zeros below the image.
    public var bottom: Int
    /// Columns of zeros right of the image.
    public var right: Int

    /// Pads each side by its own amount.
    public init(top: Int, left: Int, bottom: Int, right: Int) {
        precondition(min(top, left, bottom, right) >= 0, "negative padding \((top, left, bottom, right))")
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }

    /// Pads all four sides by `amount`.
    public init(_ amount: Int) {
        self.init(top: amount, left: amount, bottom: amount, right: amount)
    }

    /// Pads all four sides by `value`.
    public init(integerLiteral value: Int) {
        self.init(value)
    }
}
