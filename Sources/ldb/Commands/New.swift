import ArgumentParser
import Foundation
import LDBDiffusion
import LDBDocument
import LDBEditing
import LDBImage

/// `ldb new`: start a project from a real image or from a prompt and a seed.
struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a project from an image or from a prompt.",
        discussion: """
            With --image, the image is inverted into the model's latent space and the layers edit it. \
            Without it, the base image is generated from --prompt and --seed at --size. The model is \
            recorded (path and a fingerprint of its files), not copied or loaded.
            """
    )

    @Argument(help: ArgumentHelp("The project file to create.", valueName: "project.ldbproj"))
    var path: String

    @Option(help: ArgumentHelp(
        "A diffusers model folder, a single-file .safetensors checkpoint, or a Hugging Face id in the local cache.",
        valueName: "model"))
    var model: String

    @Option(help: ArgumentHelp(
        "What the UNet predicts, for a single-file checkpoint that does not say: epsilon or v_prediction.",
        valueName: "type"))
    var prediction: PredictionTypeArgument?

    @Option(help: ArgumentHelp("A PNG to edit, of any size up to 4096 pixels a side and 2048x2048 in all.", valueName: "source.png"))
    var image: String?

    @Option(help: "The base prompt: what the image shows (default for --image: empty).")
    var prompt: String?

    @Option(name: .customLong("negative"), help: "The base negative prompt.")
    var negativePrompt = ""

    @Option(help: "The base seed of a generated image. A random seed is chosen and stored when omitted.")
    var seed: UInt64?

    @Option(help: ArgumentHelp("The size of a generated image: any, with sides up to 4096 and at most 2048x2048 pixels.",
                               valueName: "WxH"))
    var size: ImageSize?

    @Option(help: "Denoising steps N of the base image, from 2 to what the model's schedule allows (1000 at most).")
    var steps = 20

    @Option(help: "Guidance of the base image and of the final steps, 0 to 100 (default 7.5; 1 with --image).")
    var guidance: Double?

    @Option(name: .customLong("blend-steps"), help: "Final steps B that blend the layers together.")
    var blendSteps = 2

    @Flag(name: .customLong("keep-background"), inversion: .prefixedNo,
          help: ArgumentHelp(keepBackgroundHelp + " Default: on with --image, so a photo's unedited pixels stay the photo's."))
    var keepBackground: Bool?

    @OptionGroup(title: "Region (default: full, margin 8; change later with `ldb set`)") var region: RegionOptions

    func validate() throws {
        if image != nil {
            if seed != nil || size != nil {
                throw ValidationError("--seed and --size describe a generated image; they do not go with --image.")
            }
        } else if prompt == nil {
            throw ValidationError("Give --image to edit a picture, or --prompt (with --seed and --size) to generate one.")
        }
    }

    func run() throws {
        let named = try NamedModel(model)
        let constraints = try ModelConstraints(location: named.location, predictionType: prediction?.type)
        let reference = try named.reference(predictionType: prediction?.type.rawValue)

        var settings = ProjectSettings(
            width: size?.width ?? 512, height: size?.height ?? 512,
            steps: steps, blendSteps: blendSteps,
            prompt: prompt ?? "", negativePrompt: negativePrompt,
            guidance: guidance ?? (image == nil ? 7.5 : 1),
            seed: nil, sourceImageSHA256: nil, keepBackground: keepBackground ?? (image != nil))
        region.apply(to: &settings)
        var sourcePNG: Data?
        if let image {
            let url = URL(fileURLWithPath: image)
            let source = try RGBImage(png: url)
            settings.width = source.width
            settings.height = source.height
            sourcePNG = try Data(contentsOf: url)
        } else {
            settings.seed = seed ?? UInt64.random(in: .min ... .max)
        }
        try constraints.check(settings)
        let project = try Project.create(at: URL(fileURLWithPath: path), settings: settings,
                                         model: reference, sourceImagePNG: sourcePNG)
        constraints.promptWarnings([("--prompt", prompt), ("--negative", negativePrompt)]).forEach(printError)
        let base = image.map { "from \($0)" } ?? "from prompt, seed \(settings.seed ?? 0)"
        print("created \(project.url.path): \(settings.width)x\(settings.height) \(base), \(settings.steps) steps")
    }
}

/// An image size given as `WxH`.
struct ImageSize: ExpressibleByArgument {
    var width: Int, height: Int

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
              width > 0, height > 0 else { return nil }
        (self.width, self.height) = (width, height)
    }
}
