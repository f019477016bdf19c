import ArgumentParser
import Foundation
import LDBDocument
import LDBEditing
import LDBImage

/// The parameters a layer is made of, shared by `layer add` and `layer set`.
///
/// Every value is optional here: `layer add` fills in defaults (`Layer.Defaults`, listed in its help), `layer
/// set` changes only what is given. Range checks live in the document (`ProjectState.validate()`, with the
/// ranges of `ParameterBounds`), so no path can store a bad value.
struct LayerParameters: ParsableArguments {
    @Option(help: "What to paint in the layer's region.")
    var prompt: String?

    @Option(name: .customLong("negative"), help: "What to steer away from in the layer's region.")
    var negativePrompt: String?

    @Option(help: ArgumentHelp(
        "The layer's region: a PNG of the image's size, gray or with alpha; white is regenerated.",
        valueName: "mask.png"))
    var mask: String?

    @Option(help: ArgumentHelp("A rectangular region instead of a mask, in pixels.", valueName: "x,y,w,h"))
    var box: Box?

    @Option(help: "The layer's noise seed (0 ... 2^64-1).")
    var seed: UInt64?

    @Option(name: .customLong("regen-steps"),
            help: "Denoising steps the layer regenerates, n with blend steps < n <= steps.")
    var regenSteps: Int?

    @Option(help: "How much fresh noise the layer adds, alpha from 0 to 100.")
    var strength: Double?

    @Option(help: "The layer's classifier-free guidance scale, 0 to 100.")
    var guidance: Double?

    @Option(help: "How strongly the layer covers what lies below, 0 to 1.")
    var opacity: Double?

    @Option(help: "Softens the mask edge with a Gaussian blur of this radius in pixels, 0 to 1024.")
    var feather: Double?

    @Flag(inversion: .prefixedNo, help: "Regenerate outside the mask instead of inside.")
    var invert: Bool?

    @Option(help: "The layer's name: unique in the project, not a number, no tabs or newlines.")
    var name: String?

    func validate() throws {
        if mask != nil && box != nil {
            throw ValidationError("Give either --mask or --box, not both.")
        }
    }

    /// True when a region was given, by `--mask` or `--box`.
    var hasRegion: Bool { mask != nil || box != nil }

    /// Warnings for the given prompts that are longer than the project's text encoder sees.
    func promptWarnings(model: ModelReference) -> [String] {
        guard prompt != nil || negativePrompt != nil, let constraints = ModelConstraints.ofProject(model) else { return [] }
        return constraints.promptWarnings([("--prompt", prompt), ("--negative", negativePrompt)])
    }

    /// Copies every given value except the region into `layer`.
    func apply(to layer: inout Layer) {
        LayerEdit(name: name, prompt: prompt, negativePrompt: negativePrompt, seed: seed, regenSteps: regenSteps,
                  strength: strength, guidance: guidance, opacity: opacity, feather: feather, invert: invert)
            .apply(to: &layer)
    }

    /// Reads the region given by `--mask` or `--box` at the project's size, or nil when none was given.
    func region(width: Int, height: Int) throws -> Mask? {
        if let mask {
            let loaded = try Mask(png: URL(fileURLWithPath: mask))
            guard loaded.width == width, loaded.height == height else {
                throw CommandError.maskSizeMismatch(path: mask, mask: (loaded.width, loaded.height),
                                                    image: (width, height))
            }
            return loaded
        }
        if let box {
            return try Mask.rectangle(width: width, height: height, x: box.x, y: box.y,
                                      w: box.width, h: box.height)
        }
        return nil
    }
}

/// A rectangle given on the command line as `x,y,w,h`.
struct Box: ExpressibleByArgument {
    var x: Int, y: Int, width: Int, height: Int

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, let x = parts[0], let y = parts[1], let w = parts[2], let h = parts[3] else {
            return nil
        }
        (self.x, self.y, self.width, self.height) = (x, y, w, h)
    }
}
