import LDBImage

/// Keep-background (docs/algorithm.md, "Composite and finish"): outside the union of the visible layers' masks, dilated by
/// f pixels and feathered by f pixels, the output pixels are the base image's.
enum BackgroundKeeping {
    /// How much of the rendered picture each pixel shows: the union (maximum) of the layers' edit masks
    /// (already inverted where a layer says so), dilated by a square of `radius` pixels on each side, then
    /// blurred by a Gaussian of sigma `radius`. All zero when there is no mask.
    static func renderedWeight(editMasks: [Mask], width: Int, height: Int, radius: Int) throws -> FloatPlane {
        var union = [Float](repeating: 0, count: width * height)
        for mask in editMasks {
            for (index, value) in mask.floatValues().enumerated() { union[index] = max(union[index], value) }
        }
        let dilated = dilate(union, width: width, height: height, radius: radius)
        return try FloatPlane(width: width, height: height, values: dilated).gaussianBlurred(sigma: Double(radius))
    }

    /// `weight * rendered + (1 - weight) * background`, per pixel and channel, rounded to 8 bits.
    static func blend(rendered: RGBImage, background: RGBImage, weight: FloatPlane) throws -> RGBImage {
        guard background.width == rendered.width, background.height == rendered.height else {
            throw EngineError.sourceImageSizeMismatch(width: background.width, height: background.height,
                                                      expectedWidth: rendered.width, expectedHeight: rendered.height)
        }
        var pixels = rendered.pixels
        for index in pixels.indices {
            let amount = weight.values[index / 3]
            let value = amount * Float(rendered.pixels[index]) + (1 - amount) * Float(background.pixels[index])
            pixels[index] = UInt8(min(max(value.rounded(), 0), 255))
        }
        return try RGBImage(width: rendered.width, height: rendered.height, pixels: pixels)
    }

    /// Maximum over a (2 radius + 1)² square around each value, clipped at the borders; rows then columns.
    private static func dilate(_ values: [Float], width: Int, height: Int, radius: Int) -> [Float] {
        guard radius > 0 else { return values }
        func maximumAlongLines(_ input: [Float], count: Int, step: Int, starts: [Int]) -> [Float] {
            var output = input
            for start in starts {
                for position in 0..<count {
                    var largest: Float = 0
                    for other in max(0, position - radius)...min(count - 1, position + radius) {
                        largest = max(largest, input[start + other * step])
                    }
                    output[start + position * step] = largest
                }
            }
            return output
        }
        let rows = maximumAlongLines(values, count: width, step: 1, starts: (0..<height).map { $0 * width })
        return maximumAlongLines(rows, count: height, step: width, starts: Array(0..<width))
    }
}
