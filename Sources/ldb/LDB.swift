import ArgumentParser
import Foundation

/// The `ldb` command: edit images with Layered Diffusion Brushes, one `.ldbproj` document at a time.
@main
struct LDB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ldb",
        abstract: "Edit images with Layered Diffusion Brushes.",
        discussion: """
            A project (.ldbproj) is one SQLite file holding the source image or base prompt, every layer \
            with its mask, and the full edit history. Every command that changes a project adds one \
            revision that `ldb undo` can take back.
            """,
        version: "0.1.0",
        subcommands: [
            New.self, SetCommand.self, Info.self, LayerCommand.self, ModelCommand.self,
            Render.self, Undo.self, Redo.self, History.self, Checkout.self, Tag.self, GC.self,
            Serve.self, Demo.self,
        ]
    )

    static func main() {
        BLASKernelSelection.restartWithPreferredKernelIfNeeded()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "help", let unknown = unknownCommand(in: arguments.dropFirst()) {
            exit(withError: ValidationError("'\(unknown)' is not an ldb command; `ldb --help` lists them."))
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exit(withError: readableError(error))
        }
    }

    /// The first word of `path` (as in `ldb help layer add`) that names no subcommand, if any.
    static func unknownCommand(in path: ArraySlice<String>) -> String? {
        var command: any ParsableCommand.Type = LDB.self
        for word in path where !word.hasPrefix("-") {
            guard let next = command.configuration.subcommands.first(where: { $0._commandName == word }) else {
                return word
            }
            command = next
        }
        return nil
    }
}
