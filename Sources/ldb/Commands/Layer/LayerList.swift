import ArgumentParser
import LDBDocument
import LDBEditing

extension LayerCommand {
    /// `ldb layer list`: the stack, bottom first.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the layers, bottom of the stack first.")

        @OptionGroup var project: ProjectArgument
        @OptionGroup var output: JSONFlag

        func run() throws {
            let layers = try project.open().state().layers
            if output.json {
                try printJSON(layers.map(LayerJSON.init))
            } else if layers.isEmpty {
                print("no layers")
            } else {
                layerTable(layers).forEach { print($0) }
            }
        }
    }
}
