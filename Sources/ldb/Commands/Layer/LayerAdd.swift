import ArgumentParser
import Foundation
import LDBDocument
import LDBEditing

extension LayerCommand {
    /// `ldb layer add`: put a new layer on top of the stack.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a layer on top of the stack.",
            discussion: """
                The region comes from --mask or --box; --prompt says what to paint there. What is not given takes \
                its default: the name "layer N", a random seed (stored), regen steps half the project's steps \
                (more than its blend steps), strength \(formatNumber(Layer.Defaults.strength)), guidance \
                \(formatNumber(Layer.Defaults.guidance)), opacity \(formatNumber(Layer.Defaults.opacity)), feather \
                \(formatNumber(Layer.Defaults.feather)), not inverted.
                """
        )

        @OptionGroup var project: ProjectArgument
        @OptionGroup var parameters: LayerParameters

        func validate() throws {
            guard parameters.prompt != nil else { throw ValidationError("Missing --prompt.") }
            guard parameters.hasRegion else { throw ValidationError("Give the layer's region with --mask or --box.") }
        }

        func run() throws {
            let document = try project.open()
            let settings = try document.state().settings
            guard let region = try parameters.region(width: settings.width, height: settings.height) else { return }

            var name = ""
            try document.commit { state, context in
                var layer = Layer.new(in: state, maskSHA256: try context.putBlob(Data(region.bytes)))
                parameters.apply(to: &layer)
                state.layers.append(layer)
                name = layer.name
                return "add layer \(quoted(layer.name))"
            }
            parameters.promptWarnings(model: try document.model()).forEach(printError)
            let added = try document.layer(name)
            print("added layer \(added.id) \(quoted(added.name)) with seed \(added.seed)")
        }
    }
}
