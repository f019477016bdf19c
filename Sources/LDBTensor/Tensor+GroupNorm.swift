import CTensorKernels

extension Tensor {
    /// Group normalisation of a `[N, C, …]` tensor, as `torch.nn.functional.group_norm`: the channels are
    /// split into `groups` groups, each group of each batch item is normalised to zero mean and unit
    /// (biased) variance over its channels and spatial positions, then scaled by `weight[c]` and shifted by
    /// `bias[c]` when given.
    ///
    /// - Parameters:
    ///   - groups: the number of groups; must divide the channel count.
    ///   - weight: per-channel scale `[C]` (gamma), or `nil` for none.
    ///   - bias: per-channel shift `[C]` (beta), or `nil` for none.
    ///   - epsilon: added to the variance before the square root.
    ///   - thenSiLU: apply SiLU to the result in the same pass (`silu(group_norm(x))`, the pairing of every
    ///     ResNet block), which saves writing and reading the tensor once more.
    public func groupNorm(groups: Int, weight: Tensor? = nil, bias: Tensor? = nil, epsilon: Float = 1e-5,
                          thenSiLU: Bool = false) -> Tensor {
        precondition(rank >= 2, "groupNorm: input \(shape) has no channel dimension")
        let batch = shape[0], channels = shape[1]
        precondition(groups > 0 && channels % groups == 0,
                     "groupNorm: \(groups) groups do not divide \(channels) channels")
        precondition(weight.map { $0.shape == [channels] } ?? true,
                     "groupNorm: weight \(weight?.shape ?? []) is not [\(channels)]")
        precondition(bias.map { $0.shape == [channels] } ?? true,
                     "groupNorm: bias \(bias?.shape ?? []) is not [\(channels)]")
        let plane = batch * channels == 0 ? 0 : count / (batch * channels)
        let channelsPerGroup = channels / groups
        let groupSize = channelsPerGroup * plane
        guard groupSize > 0 else { return self }

        let gamma = weight?.scalars ?? [Float](repeating: 1, count: channels)
        let beta = bias?.scalars ?? [Float](repeating: 0, count: channels)
        var result = Self.uninitializedScalars(count: count)
        scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { result in
                Parallel.forEachChunk(of: batch * groups, minimumChunk: max(1, Self.elementwiseGrain / groupSize)) { groupRange in
                    for groupIndex in groupRange {
                        let start = groupIndex * groupSize
                        let (mean, inverseDeviation) = Self.moments(source.baseAddress! + start, count: groupSize, epsilon: epsilon)
                        let firstChannel = (groupIndex % groups) * channelsPerGroup
                        for channelOffset in 0..<channelsPerGroup {
                            let channel = firstChannel + channelOffset
                            let scale = inverseDeviation * gamma[channel]
                            let planeStart = start + channelOffset * plane
                            ldb_normalize(source.baseAddress! + planeStart, result.baseAddress! + planeStart, plane,
                                          mean, scale, beta[channel], thenSiLU ? 1 : 0)
                        }
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: result)
    }

    /// The mean and `1/sqrt(variance + epsilon)` of `count` contiguous values (biased variance, two passes,
    /// partial sums added in double precision so that large groups do not lose digits).
    static func moments(_ values: UnsafePointer<Float>, count: Int, epsilon: Float) -> (mean: Float, inverseDeviation: Float) {
        var mean: Float = 0, inverseDeviation: Float = 0
        ldb_moments(values, count, epsilon, &mean, &inverseDeviation)
        return (mean, inverseDeviation)
    }
}
