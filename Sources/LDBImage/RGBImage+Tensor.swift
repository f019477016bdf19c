extension RGBImage {
    /// The RGB values as `pixel / 127.5 - 1` in [-1, 1], channel-planar: all R values, then all G, then all B,
    /// each plane row-major. This is the (3, height, width) layout a diffusion VAE encoder takes.
    /// Alpha is ignored.
    ///
    /// In Float32, `p / 127.5 - 1` is bit-identical to diffusers' `2 * (p / 255) - 1`.
    public func tensorValues() -> [Float] {
        let planeSize = width * height
        var values = [Float](repeating: 0, count: planeSize * 3)
        for index in 0..<planeSize {
            for channel in 0..<3 {
                values[channel * planeSize + index] = Float(pixels[index * 3 + channel]) / 127.5 - 1
            }
        }
        return values
    }

    /// Makes an opaque image from channel-planar (3, height, width) values in [-1, 1], as a VAE decoder gives them.
    ///
    /// Each value `x` becomes `round(clamp(x / 2 + 0.5, 0, 1) * 255)`, computed in Float32 with ties to even,
    /// as diffusers' image post-processing does. NaN becomes 0.
    public init(width: Int, height: Int, tensorValues values: [Float]) throws(ImageError) {
        guard width > 0, height > 0, width <= Int.max / height / 3 else {
            throw .invalidDimensions(what: "An RGB image", width: width, height: height)
        }
        let planeSize = width * height
        guard values.count == planeSize * 3 else {
            throw .sampleCountMismatch(what: "A \(width)x\(height) RGB tensor", expected: planeSize * 3, actual: values.count)
        }
        var pixels = [UInt8](repeating: 0, count: planeSize * 3)
        for index in 0..<planeSize {
            for channel in 0..<3 {
                let unit = values[channel * planeSize + index] / 2 + 0.5
                let clamped: Float = unit.isNaN ? 0 : min(max(unit, 0), 1)
                pixels[index * 3 + channel] = UInt8((clamped * 255).rounded(.toNearestOrEven))
            }
        }
        try self.init(width: width, height: height, pixels: pixels)
    }
}
