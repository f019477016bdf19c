import LDBImage
import LDBTensor

/// How a picture of any size becomes the canvas the networks run on, and back (docs/algorithm.md, "Image sizes
/// and padding").
///
/// The VAE needs sides that are multiples of its downsampling factor f; the UNet takes any latent size. So the
/// canvas is the picture grown on the right and bottom to the next multiples of f: a real image is extended by
/// reflection before it is encoded, each latent cell's mask weight is the mean over the picture's pixels it
/// covers, and every decoded picture is cropped back. A picture whose sides are multiples of f is its own canvas,
/// and nothing changes for it.
public struct ImagePadding: Equatable, Sendable {
    /// The picture's size.
    public let width: Int, height: Int
    /// The canvas's size: the picture's, rounded up to multiples of `factor`.
    public let canvasWidth: Int, canvasHeight: Int
    /// The VAE's downsampling factor f.
    public let factor: Int

    /// The canvas of a `width` × `height` picture for a VAE of downsampling factor `factor` (all positive).
    public init(width: Int, height: Int, factor: Int) {
        precondition(width > 0 && height > 0 && factor > 0, "ImagePadding needs positive sizes")
        (self.width, self.height, self.factor) = (width, height, factor)
        canvasWidth = (width + factor - 1) / factor * factor
        canvasHeight = (height + factor - 1) / factor * factor
    }

    /// Whether the canvas is larger than the picture.
    public var pads: Bool { canvasWidth != width || canvasHeight != height }

    /// `image` (the picture's size) on the canvas, the added columns and rows mirrored about the last ones
    /// (PyTorch's `reflect`; a picture one pixel wide or high repeats that pixel).
    public func reflected(_ image: RGBImage) throws -> RGBImage {
        guard pads else { return image }
        let columns = (0..<canvasWidth).map { Self.reflect($0, size: width) }
        let rows = (0..<canvasHeight).map { Self.reflect($0, size: height) }
        var pixels = [UInt8](repeating: 0, count: canvasWidth * canvasHeight * 3)
        for (y, row) in rows.enumerated() {
            for (x, column) in columns.enumerated() {
                let from = (row * width + column) * 3
                let to = (y * canvasWidth + x) * 3
                pixels[to..<to + 3] = image.pixels[from..<from + 3]
            }
        }
        return try RGBImage(width: canvasWidth, height: canvasHeight, pixels: pixels)
    }

    /// The latent mask of `plane` (the picture's size): each cell the mean of the picture's pixels in its f × f
    /// block. The canvas's extra pixels weigh nothing, so a cell on the right or bottom edge has the weight of
    /// the pixels it shows, as an inner cell has. On a picture that is its own canvas, this is the plain area
    /// average.
    public func latentMask(_ plane: FloatPlane) throws -> FloatPlane {
        guard pads else { return try plane.areaDownsampled(by: factor) }
        var values = [Float](repeating: 0, count: canvasWidth * canvasHeight)
        for row in 0..<height {
            for column in 0..<width { values[row * canvasWidth + column] = plane.values[row * width + column] }
        }
        let averaged = try FloatPlane(width: canvasWidth, height: canvasHeight, values: values)
            .areaDownsampled(by: factor)
        let (cellsWide, cellsHigh) = (canvasWidth / factor, canvasHeight / factor)
        // Every edge cell covers at least one of the picture's pixels, since the canvas grows by less than f.
        func share(_ cell: Int, _ size: Int) -> Float { Float(min(size - cell * factor, factor)) / Float(factor) }
        var result = averaged.values
        for y in 0..<cellsHigh {
            for x in 0..<cellsWide {
                result[y * cellsWide + x] /= share(x, width) * share(y, height)
            }
        }
        return try FloatPlane(width: cellsWide, height: cellsHigh, values: result)
    }

    /// The picture's part, the top-left `height` × `width`, of `[N, C, canvasHeight, canvasWidth]` pixels.
    public func cropped(_ pixels: Tensor) -> Tensor {
        guard pads else { return pixels }
        return LatentWindow(y0: 0, y1: height, x0: 0, x1: width).crop(pixels)
    }

    /// The pixels of a decoded latent, cropped to the picture when they cover the whole canvas (a region mode
    /// window is left as it is).
    func croppedIfCanvas(_ pixels: Tensor) -> Tensor {
        pixels.shape[2] == canvasHeight && pixels.shape[3] == canvasWidth ? cropped(pixels) : pixels
    }

    /// The index in `0..<size` that canvas index `index` mirrors.
    private static func reflect(_ index: Int, size: Int) -> Int {
        guard size > 1 else { return 0 }
        let period = 2 * (size - 1)
        let folded = index % period
        return folded < size ? folded : period - folded
    }
}
