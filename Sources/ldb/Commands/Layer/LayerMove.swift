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
            let revision = try project.open().commit { state in try state.moveLayer(target.layer, to: to) }
            print(revision?.description ?? "layer \(target.layer) is already at place \(to)")
        }
    }
}
