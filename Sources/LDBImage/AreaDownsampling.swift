extension FloatPlane {
    /// The plane shrunk by `factor` on each side, each value the mean of a `factor` x `factor` block.
    ///
    /// This turns an image-resolution mask into the latent mask of a VAE with downsampling factor `factor`.
    /// Means are accumulated in Double.
    ///
    /// - Throws: ``ImageError/invalidDownsampleFactor(factor:width:height:)`` when `factor` is not positive
    ///   or does not divide both the width and the height.
    public func areaDownsampled(by factor: Int) throws(ImageError) -> FloatPlane {
        guard factor > 0, width % factor == 0, height % factor == 0 else {
            throw .invalidDownsampleFactor(factor: factor, width: width, height: height)
        }
        let outputWidth = width / factor
        let outputHeight = height / factor
        let blockSize = Double(factor * factor)
        var output = [Float](repeating: 0, count: outputWidth * outputHeight)
        for outputRow in 0..<outputHeight {
            for outputColumn in 0..<outputWidth {
                var sum = 0.0
                for row in (outputRow * factor)..<((outputRow + 1) * factor) {
                    for column in (outputColumn * factor)..<((outputColumn + 1) * factor) {
                        sum += Double(values[row * width + column])
                    }
                }
                output[outputRow * outputWidth + outputColumn] = Float(sum / blockSize)
            }
        }
        return FloatPlane(validatedWidth: outputWidth, height: outputHeight, values: output)
    }
}
