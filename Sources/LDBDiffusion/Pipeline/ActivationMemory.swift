import Foundation
import LDBTensor

/// The memory a pass of the networks needs on top of their loaded weights, estimated from their configurations.
///
/// Each network's need is a multiple of its largest single activation: the VAE decoder's output of an up block at
/// the picture's resolution, the encoder's first blocks at full resolution, the UNet's feed-forward activations at
/// its first level, for a batch of two (classifier-free guidance). While a layer runs, its input, its output and a
/// normalised or convolved copy are alive together, and the measured peaks fit `largestActivationMultiple`
/// largest activations (BENCHMARKS.md, "Memory of a render").
public struct ActivationMemory: Equatable, Sendable {
    /// Bytes of the largest activation of the VAE decoder, its encoder and the UNet.
    public let decoder: Int, encoder: Int, unet: Int
    /// Bytes of attention's workspace (LDBTensor's `attentionWorkspaceBytes`) at the larger of the UNet's first
    /// level (batch 2) and the VAE's mid block (one head as wide as its channels).
    public let attentionWorkspace: Int
    /// Address space OpenBLAS reserves: a 128 MiB buffer for each thread that calls it, taken on its first
    /// product (`blas_memory_alloc`) and only touched as far as the products need. Under an address-space limit
    /// that cannot hold them, OpenBLAS retries forever instead of failing.
    public let blasBuffers: Int

    /// How many of its largest activations a network holds at its peak: the measured peaks (BENCHMARKS.md,
    /// "Memory of a render") need up to about 3, with room for error.
    public static let largestActivationMultiple = 3.5

    /// The largest activations of a pass at a `width` × `height` picture, `width` and `height` multiples of the
    /// VAE's factor.
    public init(pipeline: StableDiffusionPipeline, width: Int, height: Int) {
        let float = MemoryLayout<Float>.stride
        let pixels = width * height
        let vae = pipeline.autoencoder.configuration
        // The decoder's up blocks run from the deepest channels to the shallowest, doubling the resolution after
        // every block but the last; a block's output is upsampled before the next block reads it.
        let channels = Array(vae.blockOutChannels.reversed())
        func cells(atBlock index: Int) -> Int { pixels >> (2 * (channels.count - 1 - index)) }
        var largestDecoder = 0
        for (index, blockChannels) in channels.enumerated() {
            let inputChannels = index == 0 ? channels[0] : channels[index - 1]
            let output = blockChannels * cells(atBlock: min(index + 1, channels.count - 1))
            largestDecoder = max(largestDecoder, inputChannels * cells(atBlock: index), output)
        }
        decoder = largestDecoder * float
        encoder = (vae.blockOutChannels.first ?? 0) * pixels * float
        let unetConfiguration = pipeline.unet.configuration
        let factor = vae.downsamplingFactor
        let tokens = (width / factor) * (height / factor)
        // A spatial transformer's feed-forward projects to 2 × 4 × channels (GEGLU); a resnet's widest input
        // joins two levels' channels. Both at the first level, batch 2.
        let firstLevel = unetConfiguration.blockOutChannels.first ?? 0
        unet = 2 * 8 * firstLevel * tokens * float
        attentionWorkspace = max(attentionWorkspaceBytes(batch: 2, keyLength: tokens, channels: firstLevel, heads: 1),
                              attentionWorkspaceBytes(batch: 1, keyLength: tokens, channels: vae.blockOutChannels.last ?? 0,
                                                      heads: 1))
        // The worker threads and the calling thread.
        blasBuffers = (ProcessInfo.processInfo.activeProcessorCount + 1) * (128 << 20)
    }

    /// The estimate of the memory a render needs beyond the loaded weights: the multiple of the largest
    /// activation, attention's workspace, and the pictures the engine holds at full resolution (24 bytes a
    /// pixel: the decoded picture and the base's pixels in float32).
    public func renderBytes(width: Int, height: Int) -> Int {
        let largest = Double(max(decoder, encoder, unet))
        return Int(largest * Self.largestActivationMultiple) + attentionWorkspace + 24 * width * height
    }
}
