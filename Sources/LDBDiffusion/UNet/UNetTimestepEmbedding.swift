import Foundation
import LDBTensor

extension UNet2DConditionModel {
    /// diffusers' `Timesteps` followed by `TimestepEmbedding`: a sinusoidal encoding of each (possibly
    /// fractional) timestep, then `linear_1`, SiLU, `linear_2`.
    struct TimestepEmbedding: Sendable {
        /// The sinusoid frequencies `exp(-ln(10000) · i / (half - shift))`, computed in float32 as diffusers does.
        let frequencies: [Float]
        /// The width of the sinusoidal encoding (`block_out_channels[0]`); an odd width ends with a zero.
        let channels: Int
        let flipSinToCos: Bool
        let linear1: LinearWeights
        let linear2: LinearWeights

        init(_ weights: some WeightSource, configuration: UNetConfiguration) throws {
            channels = configuration.blockOutChannels[0]
            flipSinToCos = configuration.flipSinToCos
            let half = channels / 2
            let logPeriod = Float(-log(10000.0))
            let denominator = Float(half) - configuration.frequencyShift
            frequencies = (0..<half).map { expf(logPeriod * Float($0) / denominator) }
            let width = configuration.timeEmbeddingDimension
            linear1 = try LinearWeights(weights: weights.scoped("linear_1"), in: channels, out: width)
            linear2 = try LinearWeights(weights: weights.scoped("linear_2"), in: width, out: width)
        }

        /// `[timesteps.count, channels]`: each row `cos(t·f), sin(t·f)` (or `sin, cos`) for the frequencies `f`.
        func sinusoids(_ timesteps: [Float]) -> Tensor {
            let half = frequencies.count
            var scalars = [Float](repeating: 0, count: timesteps.count * channels)
            for (row, timestep) in timesteps.enumerated() {
                let cosineStart = row * channels + (flipSinToCos ? 0 : half)
                let sineStart = row * channels + (flipSinToCos ? half : 0)
                for (index, frequency) in frequencies.enumerated() {
                    let angle = timestep * frequency
                    scalars[cosineStart + index] = cosf(angle)
                    scalars[sineStart + index] = sinf(angle)
                }
            }
            return Tensor(shape: [timesteps.count, channels], scalars: scalars)
        }

        /// `[timesteps.count, time_embed_dim]`.
        func callAsFunction(_ timesteps: [Float]) -> Tensor {
            linear2(linear1(sinusoids(timesteps)).silu())
        }
    }
}
