import LDBTensor

/// The Stable Diffusion 1.x / 2.x noise-prediction network, diffusers' `UNet2DConditionModel`, in float32 on
/// OpenBLAS.
///
/// Construction reads every weight once through a ``WeightSource`` (state-dict names such as
/// `down_blocks.0.resnets.0.conv1.weight`) and keeps it in the layout its op wants; the forward pass does no I/O.
///
/// ```swift
/// let unet = try UNet2DConditionModel(configuration: configuration, weights: weights)
/// let prediction = try unet(sample: latents, timesteps: [981, 981], encoderHiddenStates: text)
/// ```
public struct UNet2DConditionModel: Sendable {
    /// The architecture the weights were loaded for.
    public let configuration: UNetConfiguration

    let timeEmbedding: TimestepEmbedding
    let convIn: Conv2DWeights
    let downBlocks: [DownBlock]
    let midBlock: MidBlock
    let upBlocks: [UpBlock]
    let convNormOut: GroupNormWeights
    let convOut: Conv2DWeights

    /// Loads the weights of a UNet with `configuration`.
    ///
    /// - Throws: the weight source's error when a weight is missing or has another shape than `configuration`
    ///   implies.
    public init(configuration: UNetConfiguration, weights: some WeightSource) throws {
        self.configuration = configuration
        let channels = configuration.blockOutChannels
        let levels = configuration.levels
        timeEmbedding = try TimestepEmbedding(weights.scoped("time_embedding"), configuration: configuration)
        convIn = try Conv2DWeights(weights: weights.scoped("conv_in"), in: configuration.inChannels, out: channels[0],
                                   kernel: configuration.convInKernel,
                                   padding: Padding2D((configuration.convInKernel - 1) / 2))
        downBlocks = try (0..<levels).map { level in
            try DownBlock(weights.scoped("down_blocks.\(level)"), level: level,
                          input: channels[max(level - 1, 0)], configuration: configuration)
        }
        midBlock = try MidBlock(weights.scoped("mid_block"), configuration: configuration)
        // Up block `index` reads the mid block's output (index 0) or the previous up block's.
        upBlocks = try (0..<levels).map { index in
            try UpBlock(weights.scoped("up_blocks.\(index)"), index: index,
                        input: channels[min(levels - index, levels - 1)], configuration: configuration)
        }
        convNormOut = try GroupNormWeights(weights: weights.scoped("conv_norm_out"), channels: channels[0],
                                    groups: configuration.normGroups, epsilon: configuration.normEpsilon)
        convOut = try Conv2DWeights(weights: weights.scoped("conv_out"), in: channels[0], out: configuration.outChannels,
                                    kernel: configuration.convOutKernel,
                                    padding: Padding2D((configuration.convOutKernel - 1) / 2))
    }

    /// Predicts the noise (or `v`, for v-prediction models) of a batch of latents.
    ///
    /// Any latent size runs, square or not: when the height or width is not a multiple of
    /// 2^(levels − 1), each upsampler grows its input to the size of the skip state it meets, as diffusers'
    /// `upsample_size` does.
    ///
    /// - Parameters:
    ///   - sample: noisy latents `[B, 4, h, w]`.
    ///   - timesteps: one timestep per batch item (integer or fractional), or a single one for the whole batch.
    ///   - encoderHiddenStates: text-encoder states `[B, L, cross_attention_dim]`.
    /// - Returns: `[B, 4, h, w]`.
    /// - Throws: ``UNetError/invalidInput(_:)`` when the shapes do not fit the model or each other.
    public func callAsFunction(sample: Tensor, timesteps: [Float], encoderHiddenStates: Tensor) throws -> Tensor {
        try checkInputs(sample: sample, timesteps: timesteps, encoderHiddenStates: encoderHiddenStates)
        WeightTensor.beginReusingWideningBuffer()
        defer { WeightTensor.endReusingWideningBuffer() }
        let batch = sample.shape[0]
        let context = encoderHiddenStates
        let perItemTimesteps = timesteps.count == batch ? timesteps : Array(repeating: timesteps[0], count: batch)
        let activatedTime = timeEmbedding(perItemTimesteps).silu()

        var hidden = convIn(sample)
        var skips = [hidden]
        for block in downBlocks {
            let (output, blockSkips) = block(hidden, activatedTime: activatedTime, context: context)
            hidden = output
            skips += blockSkips
        }
        hidden = midBlock(hidden, activatedTime: activatedTime, context: context)

        let overallFactor = 1 << (configuration.levels - 1)
        let forwardsUpsampleSize = sample.shape[2] % overallFactor != 0 || sample.shape[3] % overallFactor != 0
        for block in upBlocks {
            let blockSkips = skips.suffix(block.resnets.count)
            skips.removeLast(block.resnets.count)
            let upsampleSize = forwardsUpsampleSize ? skips.last.map { (height: $0.shape[2], width: $0.shape[3]) } : nil
            hidden = block(hidden, skips: blockSkips, activatedTime: activatedTime, context: context,
                           upsampleSize: upsampleSize)
        }
        return convOut(convNormOut(hidden, thenSiLU: true))
    }

    private func checkInputs(sample: Tensor, timesteps: [Float], encoderHiddenStates: Tensor) throws {
        guard sample.rank == 4, sample.shape[1] == configuration.inChannels, sample.shape.allSatisfy({ $0 > 0 }) else {
            throw UNetError.invalidInput("sample has shape \(sample.shape), expected [B, \(configuration.inChannels), h, w] with no empty dimension")
        }
        if configuration.downsamplePadding == 0 {
            // Unpadded, a 3×3 kernel needs 2 rows and columns (plus the one padded right and bottom) at every level.
            var (height, width) = (sample.shape[2], sample.shape[3])
            for _ in 1..<configuration.levels {
                guard height >= 2, width >= 2 else {
                    throw UNetError.invalidInput("sample of \(sample.shape[2])×\(sample.shape[3]) is too small for \(configuration.levels - 1) downsamplings with downsample_padding 0")
                }
                (height, width) = (height / 2, width / 2)
            }
        }
        let batch = sample.shape[0]
        guard timesteps.count == batch || timesteps.count == 1 else {
            throw UNetError.invalidInput("\(timesteps.count) timesteps for a batch of \(batch); give one per item or one for all")
        }
        guard timesteps.allSatisfy(\.isFinite) else {
            throw UNetError.invalidInput("timesteps \(timesteps) are not all finite")
        }
        let width = configuration.crossAttentionDimension
        guard encoderHiddenStates.rank == 3, encoderHiddenStates.shape[0] == batch,
              encoderHiddenStates.shape[1] > 0, encoderHiddenStates.shape[2] == width else {
            throw UNetError.invalidInput("encoder hidden states have shape \(encoderHiddenStates.shape), expected [\(batch), L, \(width)]")
        }
    }
}
