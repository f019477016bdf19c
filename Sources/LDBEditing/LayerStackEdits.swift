import LDBDocument

/// Changes to the layer stack that `ldb layer move/remove` and the editor's server make the same way, each
/// returning how it reads in the history.
extension ProjectState {
    /// Moves the layer `reference` (name or id) to `place` (0 = bottom).
    /// - Throws: `DocumentError` when there is no such layer or `place` is outside the stack.
    public mutating func moveLayer(_ reference: String, to place: Int) throws -> String {
        let from = try layerIndex(reference)
        guard layers.indices.contains(place) else {
            throw DocumentError.invalidParameter(
                "place \(place) is outside the stack of \(layers.count) layers (0...\(layers.count - 1))")
        }
        let layer = layers.remove(at: from)
        layers.insert(layer, at: place)
        return "move layer \(quoted(layer.name)) \(from) -> \(place)"
    }

    /// Removes the layer `reference` (name or id).
    /// - Throws: `DocumentError` when there is no such layer.
    public mutating func removeLayer(_ reference: String) throws -> String {
        let removed = layers.remove(at: try layerIndex(reference))
        return "remove layer \(quoted(removed.name))"
    }
}
