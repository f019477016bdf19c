import ArgumentParser
import LDBDocument
import LDBEditing

/// `ldb info`: the project's settings and layers at HEAD.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a project's settings and layers.")

    @OptionGroup var project: ProjectArgument
    @OptionGroup var output: JSONFlag

    func run() throws {
        let document = try project.open()
        let state = try document.state()
        let head = try document.head()
        let model = try document.model()
        if output.json {
            try printJSON(ProjectInfoJSON(project: document.url.path, formatVersion: try document.formatVersionOnDisk(),
                                          head: head, state: state, model: model))
            return
        }
        let settings = state.settings
        print("project   \(document.url.path)")
        print("head      revision \(head.id): \(head.description)")
        print("size      \(settings.width)x\(settings.height), \(settings.steps) steps, \(settings.blendSteps) blend steps")
        if let seed = settings.seed {
            print("base      generated, seed \(seed)")
        } else {
            print("base      source image \(settings.sourceImageSHA256.map { String($0.prefix(12)) } ?? "?")")
        }
        print("keep bg   \(settings.keepBackground ? "yes: pixels away from the layers stay the base image's" : "no")")
        let margin = "margin \(settings.regionMargin) latent cells"
        print("region    " + (settings.region == .crop ? "crop, \(margin)" : "full (crop mode's \(margin))"))
        print("prompt    \(quoted(settings.prompt))")
        print("negative  \(quoted(settings.negativePrompt))")
        print("guidance  \(formatNumber(settings.guidance))")
        print("model     \(model.location) (\(model.fingerprint.prefix(12)))"
              + (model.predictionType.map { ", prediction \($0)" } ?? ""))
        print("layers    \(state.layers.count)")
        for line in layerTable(state.layers) { print("  " + line) }
    }
}
