import ArgumentParser

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
            New.self, Info.self, LayerCommand.self, ModelCommand.self,
            Render.self, Undo.self, Redo.self, History.self, Checkout.self, Tag.self, GC.self,
            Serve.self, Demo.self,
        ]
    )

    static func main() {
        BLASKernelSelection.restartWithPreferredKernelIfNeeded()
        main(nil)
    }
}
