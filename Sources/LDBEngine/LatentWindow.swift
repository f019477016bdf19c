import LDBTensor

/// A rectangle of latent cells, `[y0, y1) × [x0, x1)`, that the UNet and the VAE decoder run on in region mode
/// (docs/algorithm.md, "Region mode").
public struct LatentWindow: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let y0: Int, y1: Int, x0: Int, x1: Int

    public init(y0: Int, y1: Int, x0: Int, x1: Int) {
        (self.y0, self.y1, self.x0, self.x1) = (y0, y1, x0, x1)
    }

    public var height: Int { y1 - y0 }
    public var width: Int { x1 - x0 }
    /// Cells in the window.
    public var area: Int { height * width }

    public var description: String { "y [\(y0), \(y1)) x [\(x0), \(x1))" }

    /// window(S, c): the bounding box of the cells where `support` is true, grown by `margin` on every side,
    /// clipped to the `height` × `width` latent, then grown per dimension to a multiple of `multiple` (first
    /// towards the end, then towards the start), or to the whole dimension when that multiple would reach it.
    /// Nil when `support` holds no cell.
    /// - Parameter support: `height * width` flags, row-major.
    public static func around(support: [Bool], height: Int, width: Int, margin: Int,
                              multiple: Int) -> LatentWindow? {
        var (top, bottom, left, right) = (height, 0, width, 0)
        for y in 0..<height {
            for x in 0..<width where support[y * width + x] {
                top = min(top, y)
                bottom = max(bottom, y + 1)
                left = min(left, x)
                right = max(right, x + 1)
            }
        }
        guard top < bottom else { return nil }
        let rows = span(top, bottom, size: height, margin: margin, multiple: multiple)
        let columns = span(left, right, size: width, margin: margin, multiple: multiple)
        return LatentWindow(y0: rows.lowerBound, y1: rows.upperBound, x0: columns.lowerBound, x1: columns.upperBound)
    }

    /// The whole `height` × `width` latent.
    public static func whole(height: Int, width: Int) -> LatentWindow {
        LatentWindow(y0: 0, y1: height, x0: 0, x1: width)
    }

    private static func span(_ low: Int, _ high: Int, size: Int, margin: Int, multiple: Int) -> Range<Int> {
        var low = max(0, low - margin)
        var high = min(size, high + margin)
        let length = high - low
        let rounded = (length + multiple - 1) / multiple * multiple
        if rounded >= size { return 0..<size }
        let need = rounded - length
        let grown = min(need, size - high)
        high += grown
        low -= need - grown
        return low..<high
    }

    /// This window's part of a `[B, C, H, W]` tensor whose plane is `scale` times the latent's (1 for latents,
    /// the VAE factor for pixels).
    func crop(_ tensor: Tensor, scale: Int = 1) -> Tensor {
        let (batch, channels, height, width) = (tensor.shape[0], tensor.shape[1], tensor.shape[2], tensor.shape[3])
        let (top, left, rows, columns) = (y0 * scale, x0 * scale, self.height * scale, self.width * scale)
        var scalars = [Float](repeating: 0, count: batch * channels * rows * columns)
        tensor.scalars.withUnsafeBufferPointer { source in
            for plane in 0..<(batch * channels) {
                for row in 0..<rows {
                    let from = plane * height * width + (top + row) * width + left
                    let to = (plane * rows + row) * columns
                    for column in 0..<columns { scalars[to + column] = source[from + column] }
                }
            }
        }
        return Tensor(shape: [batch, channels, rows, columns], scalars: scalars)
    }

    /// `tensor` with this window's part (at `scale`, as in `crop`) replaced by `part`.
    func paste(_ part: Tensor, into tensor: Tensor, scale: Int = 1) -> Tensor {
        let (batch, channels, height, width) = (tensor.shape[0], tensor.shape[1], tensor.shape[2], tensor.shape[3])
        let (top, left, rows, columns) = (y0 * scale, x0 * scale, self.height * scale, self.width * scale)
        var scalars = tensor.scalars
        for plane in 0..<(batch * channels) {
            for row in 0..<rows {
                let to = plane * height * width + (top + row) * width + left
                let from = (plane * rows + row) * columns
                for column in 0..<columns { scalars[to + column] = part.scalars[from + column] }
            }
        }
        return Tensor(shape: tensor.shape, scalars: scalars)
    }
}
