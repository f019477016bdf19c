import LDBDocument

/// What changed between two versions of the base settings, and the revision description that says so
/// (`set steps 20 -> 30, guidance 7.5 -> 6`). `ldb set` and the editor's server both describe changes with it.
public struct SettingsChanges: Equatable, Sendable {
    /// The fields that differ, as `("steps", "20 -> 30")`, in a fixed order.
    public var changes: [LayerChanges.Change]

    public init(from old: ProjectSettings, to new: ProjectSettings) {
        var changes: [LayerChanges.Change] = []
        func note(_ field: String, _ a: String, _ b: String) {
            if a != b { changes.append(LayerChanges.Change(field: field, change: "\(a) -> \(b)")) }
        }
        note("prompt", quoted(old.prompt), quoted(new.prompt))
        note("negative prompt", quoted(old.negativePrompt), quoted(new.negativePrompt))
        note("steps", String(old.steps), String(new.steps))
        note("guidance", formatNumber(old.guidance), formatNumber(new.guidance))
        note("blend steps", String(old.blendSteps), String(new.blendSteps))
        note("keep-background", String(old.keepBackground), String(new.keepBackground))
        note("region", old.region.rawValue, new.region.rawValue)
        note("region margin", String(old.regionMargin), String(new.regionMargin))
        note("seed", old.seed.map(String.init) ?? "none", new.seed.map(String.init) ?? "none")
        self.changes = changes
    }

    /// `set FIELD OLD -> NEW, …`.
    public var description: String {
        "set " + changes.map { "\($0.field) \($0.change)" }.joined(separator: ", ")
    }
}
