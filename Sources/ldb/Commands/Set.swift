import ArgumentParser
import LDBDocument
import LDBEditing

/// `ldb set`: change the project's settings after it was made.
struct SetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change the project's settings.",
        discussion: """
            Only the options given change; everything else keeps its value. The change is one revision, which \
            `ldb undo` takes back. The next render recomputes only what the change touches: for a generated base, \
            the prompt, negative prompt, guidance and steps recompute the base latents and everything after them; \
            for a real-image base, the prompt and steps invert the image again, the negative prompt and guidance \
            touch only the finish; the blend steps and the region (and the margin, in crop mode) recompute the \
            layers and the finish; keep-background only the final picture.
            """
    )

    @OptionGroup var project: ProjectArgument

    @Option(help: "The base prompt (for a real-image project, the prompt it is inverted under).")
    var prompt: String?

    @Option(name: .customLong("negative"), help: "The base negative prompt.")
    var negativePrompt: String?

    @Option(help: "Denoising steps N of the base image.")
    var steps: Int?

    @Option(help: "Guidance of the base image and of the final steps.")
    var guidance: Double?

    @Option(name: .customLong("blend-steps"), help: "Final steps B that blend the layers together.")
    var blendSteps: Int?

    @Flag(name: .customLong("keep-background"), inversion: .prefixedNo,
          help: "Keep the base image's pixels outside the layers' masks when rendering.")
    var keepBackground: Bool?

    @OptionGroup var region: RegionOptions

    func run() throws {
        let document = try project.open()
        let model = try document.model()
        let revision = try document.commit { state in
            let before = state.settings
            try SettingsEdit(prompt: prompt, negativePrompt: negativePrompt, steps: steps, guidance: guidance,
                             blendSteps: blendSteps, keepBackground: keepBackground, region: region.region,
                             regionMargin: region.regionMargin)
                .apply(to: &state.settings, model: model)
            return SettingsChanges(from: before, to: state.settings).description
        }
        print(revision?.description ?? "settings unchanged")
    }
}
