import ArgumentParser
import Foundation
import LDBDocument
import LDBEditing

extension LayerCommand {
    /// `ldb layer set`: change some of a layer's parameters.
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a layer's parameters.",
            discussion: "Only the options given change; an option left out keeps the layer's value."
        )

        @OptionGroup var project: ProjectArgument
        @OptionGroup var target: LayerArgument
        @OptionGroup var parameters: LayerParameters

        func run() throws {
            let document = try project.open()
            let settings = try document.state().settings
            let region = try parameters.region(width: settings.width, height: settings.height)

            // Applied to the layer as it is inside the transaction, so a concurrent edit of another field survives.
            let revision = try document.commit { state, context in
                let index = try state.layerIndex(target.layer)
                let before = state.layers[index]
                parameters.apply(to: &state.layers[index])
                if let region { state.layers[index].maskSHA256 = try context.putBlob(Data(region.bytes)) }
                return LayerChanges(from: before, to: state.layers[index]).description
            }
            print(revision?.description ?? "layer \(target.layer) unchanged")
            if revision != nil { parameters.promptWarnings(model: try document.model()).forEach(printError) }
        }
    }
}
