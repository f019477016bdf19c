import ArgumentParser
import LDBDiffusion
import LDBTensor

extension ModelCommand.Probe {
    /// `ldb model probe unet`: one UNet evaluation.
    struct UNetProbe: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unet",
            abstract: "Evaluate the UNet.",
            discussion: """
                Reads sample [B,4,h,w], timestep [B] (integer or float) and encoder_hidden_states [B,77,C]; \
                writes out [B,4,h,w].
                """)

        @OptionGroup var model: ModelOptions
        @OptionGroup var weights: WeightPrecisionOption
        @OptionGroup var input: ProbeInput
        @OptionGroup var output: ProbeOutput
        @OptionGroup var repetitions: RepeatOption

        func run() throws {
            let unet = try model.open().unet(variant: model.variant, precision: weights.precision)
            let file = try input.file()
            let sample = try file.tensor("sample")
            let states = try file.tensor("encoder_hidden_states")
            let timesteps: [Float] = switch try file.info("timestep").dtype {
            case .float32, .float16, .bfloat16, .float64: try file.tensor("timestep").scalars
            default: try file.int64s("timestep").map(Float.init)
            }
            let out = try repetitions.run("unet") {
                try unet(sample: sample, timesteps: timesteps, encoderHiddenStates: states)
            }
            try output.write(["out": out], inputs: [try model.name(), input.input])
        }
    }

    /// `ldb model probe vae-encode`: the VAE's latent distribution of an image.
    struct VAEEncodeProbe: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vae-encode",
            abstract: "Encode an image with the VAE.",
            discussion: "Reads image [1,3,H,W] in [-1,1]; writes the latent distribution's mean and logvar.")

        @OptionGroup var model: ModelOptions
        @OptionGroup var weights: WeightPrecisionOption
        @OptionGroup var input: ProbeInput
        @OptionGroup var output: ProbeOutput

        func run() throws {
            let vae = try model.open().autoencoder(variant: model.variant, precision: weights.precision)
            let (mean, logVariance) = try vae.encode(try input.file().tensor("image"))
            try output.write(["mean": mean, "logvar": logVariance], inputs: [try model.name(), input.input])
        }
    }

    /// `ldb model probe vae-decode`: the VAE's image of a latent.
    struct VAEDecodeProbe: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vae-decode",
            abstract: "Decode a latent with the VAE.",
            discussion: "Reads latent [1,4,h,w], already divided by the scaling factor; writes sample [1,3,8h,8w].")

        @OptionGroup var model: ModelOptions
        @OptionGroup var weights: WeightPrecisionOption
        @OptionGroup var input: ProbeInput
        @OptionGroup var output: ProbeOutput
        @OptionGroup var repetitions: RepeatOption

        func run() throws {
            let vae = try model.open().autoencoder(variant: model.variant, precision: weights.precision)
            let latent = try input.file().tensor("latent")
            let sample = try repetitions.run("vae-decode") { try vae.decode(latent) }
            try output.write(["sample": sample], inputs: [try model.name(), input.input])
        }
    }

    /// `ldb model probe tiny-decode`: the tiny autoencoder's image of a latent.
    struct TinyDecodeProbe: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tiny-decode",
            abstract: "Decode a latent with a tiny autoencoder (TAESD).",
            discussion: """
                Reads latent [1,4,h,w], the diffusion model's latent as it is (TAESD's scaling factor is 1); \
                writes sample [1,3,8h,8w], nominally in [-1,1].
                """)

        @OptionGroup var model: TinyAutoencoderOptions
        @OptionGroup var weights: WeightPrecisionOption
        @OptionGroup var input: ProbeInput
        @OptionGroup var output: ProbeOutput
        @OptionGroup var repetitions: RepeatOption

        func run() throws {
            let autoencoder = try model.load(precision: weights.precision)
            let latent = try input.file().tensor("latent")
            let sample = try repetitions.run("tiny-decode") { try autoencoder.decode(latent) }
            try output.write(["sample": sample])
        }
    }

    /// `ldb model probe tiny-encode`: the tiny autoencoder's latent of an image.
    struct TinyEncodeProbe: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tiny-encode",
            abstract: "Encode an image with a tiny autoencoder (TAESD).",
            discussion: "Reads image [1,3,H,W] in [-1,1]; writes latent [1,4,H/8,W/8] (sizes rounded up).")

        @OptionGroup var model: TinyAutoencoderOptions
        @OptionGroup var weights: WeightPrecisionOption
        @OptionGroup var input: ProbeInput
        @OptionGroup var output: ProbeOutput
        @OptionGroup var repetitions: RepeatOption

        func run() throws {
            let autoencoder = try model.load(precision: weights.precision)
            let image = try input.file().tensor("image")
            let latent = try repetitions.run("tiny-encode") { try autoencoder.encode(image) }
            try output.write(["latent": latent])
        }
    }
}
