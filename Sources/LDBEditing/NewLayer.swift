import LDBDocument

extension Layer {
    /// A new layer for the top of `state`'s stack with every value at its default (`Layer.Defaults`): the first
    /// free name `layer N`, a random seed, half the project's steps, and `maskSHA256` as its region. The
    /// caller then applies what its author gave.
    public static func new(in state: ProjectState, maskSHA256: String,
                           seed: UInt64 = UInt64.random(in: .min ... .max)) -> Layer {
        Layer(name: LayerNaming.nextName(in: state.layers), prompt: "", seed: seed,
              regenSteps: Defaults.regenSteps(steps: state.settings.steps, blendSteps: state.settings.blendSteps),
              maskSHA256: maskSHA256)
    }
}

/// How layers are named: unique, not a number, no control characters (`ParameterBounds.layerNameProblem`).
public enum LayerNaming {
    /// The first free name of the form `layer N`, N counting from the number of layers plus one.
    public static func nextName(in layers: [Layer]) -> String {
        let names = Set(layers.map(\.name))
        var number = layers.count + 1
        while names.contains("layer \(number)") { number += 1 }
        return "layer \(number)"
    }
}
