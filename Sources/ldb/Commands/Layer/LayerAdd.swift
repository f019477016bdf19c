import ArgumentParser
import Foundation
import LDBDocument

extension LayerCommand {
    /// `ldb layer add`: put a new layer on top of the stack.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a layer on top of the stack.",
            discussion: "The region comes from --mask or --box; --prompt says what to paint there."
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
                var layer = Layer(
                    id: 0, name: nextLayerName(in: state.layers), visible: true, prompt: "", negativePrompt: "",
                    seed: UInt64.random(in: .min ... .max),
                    regenSteps: max(state.settings.blendSteps + 1, state.settings.steps / 2),
                    strength: 0.7, guidance: 7.5, opacity: 1, feather: 0, invert: false,
                    maskSHA256: try context.putBlob(Data(region.bytes)))
                parameters.apply(to: &layer)
                state.layers.append(layer)
                name = layer.name
                return "add layer \(quoted(layer.name))"
            }
            let added = try document.layer(name)
            print("added layer \(added.id) \(quoted(added.name)) with seed \(added.seed)")
        }
    }
}

/// The first free name of the form `layer N`.
func nextLayerName(in layers: [Layer]) -> String {
    let names = Set(layers.map(\.name))
    var number = layers.count + 1
    while names.contains("layer \(number)") { number += 1 }
    return "layer \(number)"
}
