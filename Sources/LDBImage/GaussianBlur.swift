import Foundation

extension FloatPlane {
    /// The largest sigma, in pixels, that ``gaussianBlurred(sigma:)`` accepts.
    public static let maximumBlurSigma: Double = 1024

    /// The plane blurred by a separable Gaussian of standard deviation `sigma` pixels, rows then columns,
    /// with edges clamped (values beyond a border repeat the border value).
    ///
    /// The kernel matches `scipy.ndimage.gaussian_filter(mode="nearest", truncate=3.0)`: radius
    /// `Int(3 * sigma + 0.5)`, weights `exp(-x² / (2 sigma²))` normalised to sum 1. Arithmetic is in Double.
    /// A sigma of 0 returns the plane unchanged.
    ///
    /// - Throws: ``ImageError/invalidBlurSigma(_:)`` when `sigma` is negative, not finite, or above
    ///   ``maximumBlurSigma``.
    public func gaussianBlurred(sigma: Double) throws(ImageError) -> FloatPlane {
        try GaussianBlur.blur(values.map(Double.init), width: width, height: height, sigma: sigma)
    }
}

extension Mask {
    /// The mask's values in [0, 1] feathered by a Gaussian of standard deviation `sigma` pixels;
    /// see ``FloatPlane/gaussianBlurred(sigma:)``. A sigma of 0 gives ``floatValues()`` unchanged.
    public func feathered(sigma: Double) throws(ImageError) -> FloatPlane {
        try GaussianBlur.blur(bytes.map { Double($0) / 255 }, width: width, height: height, sigma: sigma)
    }
}

/// A separable, edge-clamped Gaussian blur.
enum GaussianBlur {
    static func blur(_ input: [Double], width: Int, height: Int, sigma: Double) throws(ImageError) -> FloatPlane {
        guard sigma.isFinite, sigma >= 0, sigma <= FloatPlane.maximumBlurSigma else { throw .invalidBlurSigma(sigma) }
        guard sigma > 0 else {
            return FloatPlane(validatedWidth: width, height: height, values: input.map(Float.init))
        }
        let kernel = Kernel(sigma: sigma)
        var rowsBlurred = [Double](repeating: 0, count: input.count)
        for row in 0..<height {
            kernel.convolve(input, start: row * width, step: 1, count: width, into: &rowsBlurred)
        }
        var blurred = [Double](repeating: 0, count: input.count)
        for column in 0..<width {
            kernel.convolve(rowsBlurred, start: column, step: width, count: height, into: &blurred)
        }
        return FloatPlane(validatedWidth: width, height: height, values: blurred.map(Float.init))
    }

    /// Normalised Gaussian weights for offsets `-radius...radius`, with their running sums.
    struct Kernel {
        let radius: Int
        let weights: [Double]
        /// `prefixSums[i]` is the sum of `weights[0..<i]`.
        let prefixSums: [Double]

        init(sigma: Double) {
            radius = Int(3 * sigma + 0.5)
            let raw = (-radius...radius).map { offset in
                let x = Double(offset)
                return exp(-0.5 / (sigma * sigma) * x * x)
            }
            let total = raw.reduce(0, +)
            weights = raw.map { $0 / total }
            var sums = [0.0]
            sums.reserveCapacity(weights.count + 1)
            for weight in weights { sums.append(sums[sums.count - 1] + weight) }
            prefixSums = sums
        }

        /// Convolves the line `source[start], source[start + step], ...` (`count` values), writing the
        /// same positions of `output`. Offsets falling before the first or after the last value take that
        /// value, so their weights are summed once instead of looped over (the radius may exceed the line).
        func convolve(_ source: [Double], start: Int, step: Int, count: Int, into output: inout [Double]) {
            let last = count - 1
            for position in 0...last {
                let lowest = max(-radius, -position)
                let highest = min(radius, last - position)
                var sum = 0.0
                for offset in lowest...highest {
                    sum += weights[offset + radius] * source[start + (position + offset) * step]
                }
                sum += prefixSums[lowest + radius] * source[start]
                sum += (prefixSums[weights.count] - prefixSums[highest + radius + 1]) * source[start + last * step]
                output[start + position * step] = sum
            }
        }
    }
}
