import ArgumentParser

/// `ldb layer …`: add, change, hide, show, remove, reorder and list layers.
struct LayerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layer",
        abstract: "Add, change, hide, show, remove, reorder and list layers.",
        discussion: "LAYER is a layer's id or its name. The stack is listed bottom first; the top layer wins.",
        subcommands: [Add.self, Set.self, Hide.self, Show.self, Remove.self, Move.self, List.self]
    )
}

/// The layer a command acts on: its stable id or its unique name.
struct LayerArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The layer's id or name.", valueName: "layer"))
    var layer: String
}
