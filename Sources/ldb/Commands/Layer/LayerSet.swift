import ArgumentParser
import Foundation
import LDBDocument

extension LayerCommand {
    /// `ldb layer set`: change some of a layer's parameters.
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a layer's parameters.",
            discussion: "Only the options given change; everything else keeps its value."
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
                let changes = describeChanges(from: before, to: state.layers[index])
                if changes.count == 1 {
                    return "set \(changes[0].field) of \(quoted(before.name)) \(changes[0].change)"
                }
                return "set \(quoted(before.name)) " + changes.map { "\($0.field) \($0.change)" }.joined(separator: ", ")
            }
            print(revision?.description ?? "layer \(target.layer) unchanged")
        }
    }
}

/// The fields that differ between two versions of a layer, as `(field, "old -> new")`.
func describeChanges(from old: Layer, to new: Layer) -> [(field: String, change: String)] {
    var changes: [(String, String)] = []
    func note(_ field: String, _ a: String, _ b: String) {
        if a != b { changes.append((field, "\(a) -> \(b)")) }
    }
    note("name", quoted(old.name), quoted(new.name))
    note("prompt", quoted(old.prompt), quoted(new.prompt))
    note("negative prompt", quoted(old.negativePrompt), quoted(new.negativePrompt))
    note("seed", String(old.seed), String(new.seed))
    note("regen steps", String(old.regenSteps), String(new.regenSteps))
    note("strength", formatNumber(old.strength), formatNumber(new.strength))
    note("guidance", formatNumber(old.guidance), formatNumber(new.guidance))
    note("opacity", formatNumber(old.opacity), formatNumber(new.opacity))
    note("feather", formatNumber(old.feather), formatNumber(new.feather))
    note("invert", String(old.invert), String(new.invert))
    note("visible", String(old.visible), String(new.visible))
    if old.maskSHA256 != new.maskSHA256 {
        changes.append(("mask", "\(old.maskSHA256.prefix(12)) -> \(new.maskSHA256.prefix(12))"))
    }
    return changes
}
