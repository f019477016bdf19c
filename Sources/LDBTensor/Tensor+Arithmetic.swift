/// Element-wise arithmetic between tensors of the same shape, and with scalars.
extension Tensor {
    /// Work smaller than this many elements per core is not worth a thread hop.
    static let elementwiseGrain = 1 << 16

    /// A tensor of the same shape whose elements are `transform` applied to each element of this one.
    ///
    /// Large tensors are split across cores, so `transform` must be a pure function of its argument.
    public func map(_ transform: (Float) -> Float) -> Tensor {
        var result = Self.uninitializedScalars(count: count)
        scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { destination in
                Parallel.forEachChunk(of: source.count, minimumChunk: Self.elementwiseGrain) { range in
                    for index in range { destination[index] = transform(source[index]) }
                }
            }
        }
        return Tensor(shape: shape, scalars: result)
    }

    /// A tensor whose elements are `combine` applied pairwise to the elements of `self` and `other`;
    /// `operation` names the caller in the shape-mismatch message.
    private func combined(with other: Tensor, operation: String, _ combine: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "\(operation): shapes \(shape) and \(other.shape) differ")
        var result = Self.uninitializedScalars(count: count)
        scalars.withUnsafeBufferPointer { lhs in
            other.scalars.withUnsafeBufferPointer { rhs in
                result.withUnsafeMutableBufferPointer { destination in
                    Parallel.forEachChunk(of: lhs.count, minimumChunk: Self.elementwiseGrain) { range in
                        for index in range { destination[index] = combine(lhs[index], rhs[index]) }
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: result)
    }

    /// The element-wise sum of two tensors of the same shape.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.combined(with: rhs, operation: "+") { $0 + $1 } }

    /// The element-wise difference of two tensors of the same shape.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.combined(with: rhs, operation: "-") { $0 - $1 } }

    /// The element-wise product of two tensors of the same shape.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.combined(with: rhs, operation: "*") { $0 * $1 } }

    /// Every element multiplied by `scale`.
    public static func * (lhs: Tensor, scale: Float) -> Tensor { lhs.map { $0 * scale } }

    /// Every element multiplied by `scale`.
    public static func * (scale: Float, rhs: Tensor) -> Tensor { rhs.map { scale * $0 } }

    /// Every element divided by `divisor`.
    public static func / (lhs: Tensor, divisor: Float) -> Tensor { lhs.map { $0 / divisor } }

    /// Every element plus `offset`.
    public static func + (lhs: Tensor, offset: Float) -> Tensor { lhs.map { $0 + offset } }

    /// Adds `rhs` to `lhs` element-wise in place.
    public static func += (lhs: inout Tensor, rhs: Tensor) {
        precondition(lhs.shape == rhs.shape, "+=: shapes \(lhs.shape) and \(rhs.shape) differ")
        let grain = elementwiseGrain
        rhs.scalars.withUnsafeBufferPointer { source in
            lhs.scalars.withUnsafeMutableBufferPointer { destination in
                Parallel.forEachChunk(of: source.count, minimumChunk: grain) { range in
                    for index in range { destination[index] += source[index] }
                }
            }
        }
    }

    /// Adds one value per channel to a `[N, C, …]` tensor: `bias` is `[C]` (shared by the batch) or `[N, C]`
    /// (one vector per batch item), broadcast over the trailing dimensions — the ResNet block's
    /// `hidden + time_embedding[:, :, None, None]`.
    public func addingChannelBias(_ bias: Tensor) -> Tensor {
        precondition(rank >= 2, "addingChannelBias: input \(shape) has no channel dimension")
        let batch = shape[0], channels = shape[1]
        let perBatch = bias.shape == [batch, channels]
        precondition(perBatch || bias.shape == [channels],
                     "addingChannelBias: bias \(bias.shape) fits neither [\(channels)] nor [\(batch), \(channels)] for input \(shape)")
        let plane = count / max(1, batch * channels)
        var result = scalars
        bias.scalars.withUnsafeBufferPointer { bias in
            result.withUnsafeMutableBufferPointer { values in
                Parallel.forEachChunk(of: batch * channels, minimumChunk: max(1, Self.elementwiseGrain / max(1, plane))) { planes in
                    for planeIndex in planes {
                        let value = bias[perBatch ? planeIndex : planeIndex % channels]
                        let start = planeIndex * plane
                        for index in start..<(start + plane) { values[index] += value }
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: result)
    }
}
