import ArgumentParser
import LDBDocument
import LDBEditing

extension LayerCommand {
    /// `ldb layer hide`: keep a layer but leave it out of the render.
    struct Hide: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hide a layer; it stays in the stack.")

        @OptionGroup var project: ProjectArgument
        @OptionGroup var target: LayerArgument

        func run() throws {
            try setVisibility(false, of: target.layer, in: project)
        }
    }

    /// `ldb layer show`: bring a hidden layer back into the render.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a hidden layer.")

        @OptionGroup var project: ProjectArgument
        @OptionGroup var target: LayerArgument

        func run() throws {
            try setVisibility(true, of: target.layer, in: project)
        }
    }
}

private func setVisibility(_ visible: Bool, of reference: String, in project: ProjectArgument) throws {
    let revision = try project.open().commit { state in
        let index = try state.layerIndex(reference)
        state.layers[index].visible = visible
        return "\(visible ? "show" : "hide") layer \(quoted(state.layers[index].name))"
    }
    print(revision?.description ?? "layer \(reference) is already \(visible ? "visible" : "hidden")")
}
