import LDBDocument

/// What changed between two versions of a layer, and the revision description that says so.
public struct LayerChanges: Equatable, Sendable {
    /// One field that differs, as `("strength", "0.9 -> 0.8")`.
    public struct Change: Equatable, Sendable {
        public var field: String
        public var change: String
    }

    public var before: Layer
    public var changes: [Change]

    /// The fields that differ between `before` and `after`, in a fixed order.
    public init(from before: Layer, to after: Layer) {
        self.before = before
        var changes: [Change] = []
        func note(_ field: String, _ a: String, _ b: String) {
            if a != b { changes.append(Change(field: field, change: "\(a) -> \(b)")) }
        }
        note("name", quoted(before.name), quoted(after.name))
        note("prompt", quoted(before.prompt), quoted(after.prompt))
        note("negative prompt", quoted(before.negativePrompt), quoted(after.negativePrompt))
        note("seed", String(before.seed), String(after.seed))
        note("regen steps", String(before.regenSteps), String(after.regenSteps))
        note("strength", formatNumber(before.strength), formatNumber(after.strength))
        note("guidance", formatNumber(before.guidance), formatNumber(after.guidance))
        note("opacity", formatNumber(before.opacity), formatNumber(after.opacity))
        note("feather", formatNumber(before.feather), formatNumber(after.feather))
        note("invert", String(before.invert), String(after.invert))
        note("visible", String(before.visible), String(after.visible))
        if before.maskSHA256 != after.maskSHA256 {
            changes.append(Change(field: "mask", change: "\(before.maskSHA256.prefix(12)) -> \(after.maskSHA256.prefix(12))"))
        }
        self.changes = changes
    }

    /// The revision description: `set strength of "lamp" 0.9 -> 0.8`, or `set "lamp" strength 0.9 -> 0.8,
    /// seed 1 -> 2` for several fields; `set "lamp"` when nothing differs (such a change is not committed).
    public var description: String {
        if changes.count == 1 {
            return "set \(changes[0].field) of \(quoted(before.name)) \(changes[0].change)"
        }
        return (["set \(quoted(before.name))"] + [changes.map { "\($0.field) \($0.change)" }.joined(separator: ", ")])
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}
