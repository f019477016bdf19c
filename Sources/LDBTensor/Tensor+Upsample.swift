extension Tensor {
    /// Nearest-neighbour 2× upsampling of a `[N, C, H, W]` tensor to `[N, C, 2H, 2W]`, as
    /// `torch.nn.functional.interpolate(x, scale_factor=2.0, mode="nearest")`: every pixel becomes a 2×2 block.
    public func upsampledNearest2x() -> Tensor {
        precondition(rank == 4, "upsampledNearest2x: input \(shape) is not [N, C, H, W]")
        let (planes, height, width) = (shape[0] * shape[1], shape[2], shape[3])
        var result = Self.uninitializedScalars(count: count * 4)
        scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { destination in
                Parallel.forEachChunk(of: planes * height, minimumChunk: max(1, Self.elementwiseGrain / max(1, 4 * width))) { inputRows in
                    for inputRow in inputRows {
                        let sourceRow = inputRow * width
                        let upperRow = 4 * inputRow * width, lowerRow = upperRow + 2 * width
                        for column in 0..<width {
                            let value = source[sourceRow + column]
                            destination[upperRow + 2 * column] = value
                            destination[upperRow + 2 * column + 1] = value
                            destination[lowerRow + 2 * column] = value
                            destination[lowerRow + 2 * column + 1] = value
                        }
                    }
                }
            }
        }
        return Tensor(shape: [shape[0], shape[1], 2 * height, 2 * width], scalars: result)
    }
}
