import ArgumentParser
import LDBDocument

/// `ldb info`: the project's settings and layers at HEAD.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a project's settings and layers.")

    @OptionGroup var project: ProjectArgument
    @OptionGroup var output: JSONFlag

    func run() throws {
        let document = try project.open()
        let state = try document.state()
        let head = try document.head()
        if output.json {
            try printJSON(ProjectInfoJSON(formatVersion: try document.formatVersionOnDisk(), head: head.id,
                                          state: state))
            return
        }
        let settings = state.settings
        let model = try document.model()
        print("project   \(document.url.path)")
        print("head      revision \(head.id): \(head.description)")
        print("size      \(settings.width)x\(settings.height), \(settings.steps) steps, \(settings.blendSteps) blend steps")
        if let seed = settings.seed {
            print("base      generated, seed \(seed)")
        } else {
            print("base      source image \(settings.sourceImageSHA256.map { String($0.prefix(12)) } ?? "?")")
        }
        print("prompt    \(quoted(settings.prompt))")
        print("negative  \(quoted(settings.negativePrompt))")
        print("guidance  \(formatNumber(settings.guidance))")
        print("model     \(model.location) (\(model.fingerprint.prefix(12)))")
        print("layers    \(state.layers.count)")
        for line in layerTable(state.layers) { print("  " + line) }
    }
}
