import LDBDocument

/// What changed between two versions of a layer, and the revision description that says so.
public struct LayerChanges: Equatable, Sendable {
    public var before: Layer
    /// The fields that differ, in a fixed order.
    public var changes: [FieldChange]

    /// The fields that differ between `before` and `after`.
    public init(from before: Layer, to after: Layer) {
        self.before = before
        changes = [
            FieldChange("name", quoted(before.name), quoted(after.name)),
            FieldChange("prompt", quoted(before.prompt), quoted(after.prompt)),
            FieldChange("negative prompt", quoted(before.negativePrompt), quoted(after.negativePrompt)),
            FieldChange("seed", String(before.seed), String(after.seed)),
            FieldChange("regen steps", String(before.regenSteps), String(after.regenSteps)),
            FieldChange("strength", formatNumber(before.strength), formatNumber(after.strength)),
            FieldChange("guidance", formatNumber(before.guidance), formatNumber(after.guidance)),
            FieldChange("opacity", formatNumber(before.opacity), formatNumber(after.opacity)),
            FieldChange("feather", formatNumber(before.feather), formatNumber(after.feather)),
            FieldChange("invert", String(before.invert), String(after.invert)),
            FieldChange("visible", String(before.visible), String(after.visible)),
        ].compactMap { $0 }
        if before.maskSHA256 != after.maskSHA256 {
            changes.append(FieldChange(field: "mask",
                                       change: "\(before.maskSHA256.prefix(12)) -> \(after.maskSHA256.prefix(12))"))
        }
    }

    /// The revision description: `set strength of "lamp" 0.9 -> 0.8`, or `set "lamp" strength 0.9 -> 0.8,
    /// seed 1 -> 2` for several fields; `set "lamp"` when nothing differs (such a change is not committed).
    public var description: String {
        if changes.count == 1 {
            return "set \(changes[0].field) of \(quoted(before.name)) \(changes[0].change)"
        }
        return (["set \(quoted(before.name))"] + [FieldChange.list(changes)])
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}
