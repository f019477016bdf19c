import LDBTensor

/// How region mode lays the finished window back onto the clean base (docs/algorithm.md, "Region mode"): the
/// weight w on the latent grid, its bilinear upsampling to pixels, and the two blends.
enum RegionBlend {
    /// w = max(0, 1 − d / r) with r = max(1, ⌊margin / 2⌋) and d the Chebyshev distance in cells from each cell to
    /// the nearest cell of `support` (0 on it). `height * width` values, row-major.
    static func weight(support: [Bool], height: Int, width: Int, margin: Int) -> [Float] {
        let radius = Float(max(1, margin / 2))
        return chebyshevDistance(to: support, height: height, width: width).map { max(0, 1 - $0 / radius) }
    }

    /// The chessboard distance transform: two passes over the 8-neighbourhood with unit steps, which is exact for
    /// the Chebyshev metric. Cells far from every support cell get at most height + width.
    static func chebyshevDistance(to support: [Bool], height: Int, width: Int) -> [Float] {
        let far = height + width
        var distance = support.map { $0 ? 0 : far }
        func relax(_ y: Int, _ x: Int, _ neighbours: [(Int, Int)]) {
            for (dy, dx) in neighbours {
                let (ny, nx) = (y + dy, x + dx)
                guard ny >= 0, ny < height, nx >= 0, nx < width else { continue }
                distance[y * width + x] = min(distance[y * width + x], distance[ny * width + nx] + 1)
            }
        }
        for y in 0..<height {
            for x in 0..<width { relax(y, x, [(-1, -1), (-1, 0), (-1, 1), (0, -1)]) }
        }
        for y in (0..<height).reversed() {
            for x in (0..<width).reversed() { relax(y, x, [(1, 1), (1, 0), (1, -1), (0, 1)]) }
        }
        return distance.map(Float.init)
    }

    /// `plane` (`height` × `width`) resized to `outputHeight` × `outputWidth` as
    /// `torch.nn.functional.interpolate(mode="bilinear", align_corners=False)` does it.
    static func bilinear(_ plane: [Float], height: Int, width: Int, outputHeight: Int, outputWidth: Int) -> [Float] {
        /// For each output index: the two source indices and their weights.
        func taps(input: Int, output: Int) -> [(Int, Int, Float, Float)] {
            let scale = Float(input) / Float(output)
            return (0..<output).map { index in
                let source = max(0, scale * (Float(index) + 0.5) - 0.5)
                let low = Int(source)
                let high = low < input - 1 ? low + 1 : low
                let upper = source - Float(low)
                return (low, high, 1 - upper, upper)
            }
        }
        let rows = taps(input: height, output: outputHeight)
        let columns = taps(input: width, output: outputWidth)
        var result = [Float](repeating: 0, count: outputHeight * outputWidth)
        for (y, (top, bottom, topWeight, bottomWeight)) in rows.enumerated() {
            for (x, (left, right, leftWeight, rightWeight)) in columns.enumerated() {
                let upper = leftWeight * plane[top * width + left] + rightWeight * plane[top * width + right]
                let lower = leftWeight * plane[bottom * width + left] + rightWeight * plane[bottom * width + right]
                result[y * outputWidth + x] = topWeight * upper + bottomWeight * lower
            }
        }
        return result
    }

    /// `base` with its `window` part (at `scale`, as in `LatentWindow.crop`) replaced by
    /// `part(base) + weight(window) * (finished − part(base))`, the weight broadcast over batch and channels.
    /// - Parameters:
    ///   - base: `[1, C, H, W]`.
    ///   - finished: `[1, C, window.height * scale, window.width * scale]`.
    ///   - weight: `H * W` values, row-major.
    static func blend(_ finished: Tensor, over base: Tensor, in window: LatentWindow, weight: [Float],
                      scale: Int = 1) -> Tensor {
        let inside = window.crop(base, scale: scale)
        let weightPlane = window.crop(Tensor(shape: [1, 1, base.shape[2], base.shape[3]], scalars: weight), scale: scale)
        let plane = weightPlane.count
        var scalars = inside.scalars
        for index in scalars.indices {
            scalars[index] = inside.scalars[index]
                + weightPlane.scalars[index % plane] * (finished.scalars[index] - inside.scalars[index])
        }
        return window.paste(Tensor(shape: inside.shape, scalars: scalars), into: base, scale: scale)
    }
}
