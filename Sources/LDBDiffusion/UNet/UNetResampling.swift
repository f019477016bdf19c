import LDBTensor

extension UNet2DConditionModel {
    /// diffusers' `Downsample2D` with a convolution: 3×3, stride 2. `downsample_padding` 0 pads only the right
    /// and bottom by one, as diffusers' explicit `F.pad(x, (0, 1, 0, 1))` does.
    struct Downsample: Sendable {
        let convolution: Conv2DWeights

        init(_ weights: some WeightSource, channels: Int, padding: Int) throws {
            let padding = padding == 0 ? Padding2D(top: 0, left: 0, bottom: 1, right: 1) : Padding2D(padding)
            convolution = try Conv2DWeights(weights: weights.scoped("conv"), in: channels, out: channels, kernel: 3,
                                            stride: 2, padding: padding)
        }

        func callAsFunction(_ input: Tensor) -> Tensor {
            convolution(input)
        }
    }

    /// diffusers' `Upsample2D` with a convolution: nearest-neighbour upsampling, 2× or to the size of the skip
    /// connection it meets next, then a 3×3 convolution.
    struct Upsample: Sendable {
        let convolution: Conv2DWeights

        init(_ weights: some WeightSource, channels: Int) throws {
            convolution = try Conv2DWeights(weights: weights.scoped("conv"), in: channels, out: channels, kernel: 3,
                                            padding: 1)
        }

        /// - Parameter size: the output `(height, width)`; `nil` doubles both.
        func callAsFunction(_ input: Tensor, size: (height: Int, width: Int)?) -> Tensor {
            let (height, width) = (input.shape[2], input.shape[3])
            guard let size, size != (2 * height, 2 * width) else {
                return convolution(input.upsampledNearest2x())
            }
            return convolution(nearestResized(input, height: size.height, width: size.width))
        }
    }
}

/// `F.interpolate(x, size=(height, width), mode="nearest")` of a `[N, C, H, W]` tensor: output row `i` reads input
/// row `min(floor(i · (H / height)), H - 1)`, with the scale computed in float32 as PyTorch's CPU kernel does.
private func nearestResized(_ input: Tensor, height: Int, width: Int) -> Tensor {
    let (planes, inputHeight, inputWidth) = (input.shape[0] * input.shape[1], input.shape[2], input.shape[3])
    func sourceIndices(output: Int, input: Int) -> [Int] {
        if output == input { return Array(0..<output) }
        if output == 2 * input { return (0..<output).map { $0 >> 1 } }
        let scale = Float(input) / Float(output)
        return (0..<output).map { min(Int((Float($0) * scale).rounded(.down)), input - 1) }
    }
    let rows = sourceIndices(output: height, input: inputHeight)
    let columns = sourceIndices(output: width, input: inputWidth)
    var scalars = [Float](repeating: 0, count: planes * height * width)
    input.scalars.withUnsafeBufferPointer { source in
        scalars.withUnsafeMutableBufferPointer { destination in
            var target = 0
            for plane in 0..<planes {
                for row in rows {
                    let sourceRow = (plane * inputHeight + row) * inputWidth
                    for column in columns {
                        destination[target] = source[sourceRow + column]
                        target += 1
                    }
                }
            }
        }
    }
    return Tensor(shape: [input.shape[0], input.shape[1], height, width], scalars: scalars)
}
