import ArgumentParser
import LDBDocument
import LDBEditing

extension LayerCommand {
    /// `ldb layer rm`: take a layer out of the stack (undo brings it back).
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Remove a layer. `ldb undo` brings it back.")

        @OptionGroup var project: ProjectArgument
        @OptionGroup var target: LayerArgument

        func run() throws {
            let revision = try project.open().commit { state in try state.removeLayer(target.layer) }
            if let revision { print(revision.description) }
        }
    }
}
