extension Tensor {
    /// The tensor with its dimensions reordered, as `x.permute(axes).contiguous()`: dimension `i` of the
    /// result is dimension `axes[i]` of `self`.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank), "permuted: \(axes) is not a permutation of the \(rank) axes of \(shape)")
        let resultShape = axes.map { shape[$0] }
        guard count > 0 else { return Tensor(shape: resultShape, scalars: []) }
        var sourceStrides = [Int](repeating: 1, count: rank)
        for axis in Swift.stride(from: rank - 2, through: 0, by: -1) {
            sourceStrides[axis] = sourceStrides[axis + 1] * shape[axis + 1]
        }
        let walk = PermutationWalk(sizes: resultShape, strides: axes.map { sourceStrides[$0] })
        var result = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { destination in
                walk.copy(from: source.baseAddress!, to: destination.baseAddress!)
            }
        }
        return Tensor(shape: resultShape, scalars: result)
    }

    /// `[N, C, H, W]` → `[N, H·W, C]`: an image as a sequence of pixel tokens, for attention.
    public func channelsLastSequence() -> Tensor {
        precondition(rank == 4, "channelsLastSequence: input \(shape) is not [N, C, H, W]")
        return permuted([0, 2, 3, 1]).reshaped([shape[0], shape[2] * shape[3], shape[1]])
    }

    /// `[N, H·W, C]` → `[N, C, H, W]`: a sequence of pixel tokens back to an image.
    public func channelsFirstImage(height: Int, width: Int) -> Tensor {
        precondition(rank == 3 && shape[1] == height * width,
                     "channelsFirstImage: input \(shape) is not [N, \(height)·\(width), C]")
        return reshaped([shape[0], height, width, shape[2]]).permuted([0, 3, 1, 2])
    }
}

/// Visits a source buffer in the order of a permuted view (sizes and source strides per result
/// dimension), after dropping unit dimensions and merging dimensions that stay adjacent in memory.
private struct PermutationWalk {
    var sizes: [Int]
    var strides: [Int]

    init(sizes: [Int], strides: [Int]) {
        var mergedSizes: [Int] = []
        var mergedStrides: [Int] = []
        for (size, stride) in zip(sizes, strides) where size != 1 {
            if let lastStride = mergedStrides.last, lastStride == stride * size {
                mergedSizes[mergedSizes.count - 1] *= size
                mergedStrides[mergedStrides.count - 1] = stride
            } else {
                mergedSizes.append(size)
                mergedStrides.append(stride)
            }
        }
        if mergedSizes.isEmpty {
            mergedSizes = [1]
            mergedStrides = [1]
        }
        self.sizes = mergedSizes
        self.strides = mergedStrides
    }

    /// Writes the permuted elements contiguously into `destination`, splitting the outer loop across cores.
    func copy(from source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>) {
        let innerSize = sizes[sizes.count - 1], innerStride = strides[strides.count - 1]
        let outerSizes = Array(sizes.dropLast()), outerStrides = Array(strides.dropLast())
        let outerCount = outerSizes.reduce(1, *)
        Parallel.forEachChunk(of: outerCount, minimumChunk: max(1, Tensor.elementwiseGrain / innerSize)) { outerRange in
            // The multi-index and source offset of the first outer position of this range.
            var index = [Int](repeating: 0, count: outerSizes.count)
            var remainder = outerRange.lowerBound
            var offset = 0
            for dimension in Swift.stride(from: outerSizes.count - 1, through: 0, by: -1) {
                index[dimension] = remainder % outerSizes[dimension]
                remainder /= outerSizes[dimension]
                offset += index[dimension] * outerStrides[dimension]
            }
            for outer in outerRange {
                let target = destination + outer * innerSize
                if innerStride == 1 {
                    target.update(from: source + offset, count: innerSize)
                } else {
                    for inner in 0..<innerSize { target[inner] = source[offset + inner * innerStride] }
                }
                // Advance the odometer.
                var dimension = outerSizes.count - 1
                while dimension >= 0 {
                    index[dimension] += 1
                    offset += outerStrides[dimension]
                    if index[dimension] < outerSizes[dimension] { break }
                    offset -= index[dimension] * outerStrides[dimension]
                    index[dimension] = 0
                    dimension -= 1
                }
            }
        }
    }
}
