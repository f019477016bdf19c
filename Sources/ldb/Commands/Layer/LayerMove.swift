import ArgumentParser
import LDBDocument
import LDBEditing

extension LayerCommand {
    /// `ldb layer move`: change where a layer sits in the stack.
    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a layer to another place in the stack.",
            discussion: "Places count from 0 at the bottom; the last place is the top.")

        @OptionGroup var project: ProjectArgument
        @OptionGroup var target: LayerArgument

        @Option(help: ArgumentHelp("The layer's new place, 0 = bottom.", valueName: "index"))
        var to: Int

        func run() throws {
            let revision = try project.open().commit { state in
                let from = try state.layerIndex(target.layer)
                guard state.layers.indices.contains(to) else {
                    throw DocumentError.invalidParameter(
                        "place \(to) is outside the stack of \(state.layers.count) layers (0...\(state.layers.count - 1))")
                }
                let layer = state.layers.remove(at: from)
                state.layers.insert(layer, at: to)
                return "move layer \(quoted(layer.name)) \(from) -> \(to)"
            }
            print(revision?.description ?? "layer \(target.layer) is already at place \(to)")
        }
    }
}
