import LDBDocument

/// What changed between two versions of the base settings, and the revision description that says so
/// (`set steps 20 -> 30, guidance 7.5 -> 6`). `ldb set` and the editor's server both describe changes with it.
public struct SettingsChanges: Equatable, Sendable {
    /// The fields that differ, as `("steps", "20 -> 30")`, in a fixed order.
    public var changes: [FieldChange]

    public init(from old: ProjectSettings, to new: ProjectSettings) {
        changes = [
            FieldChange("prompt", quoted(old.prompt), quoted(new.prompt)),
            FieldChange("negative prompt", quoted(old.negativePrompt), quoted(new.negativePrompt)),
            FieldChange("steps", String(old.steps), String(new.steps)),
            FieldChange("guidance", formatNumber(old.guidance), formatNumber(new.guidance)),
            FieldChange("blend steps", String(old.blendSteps), String(new.blendSteps)),
            FieldChange("keep-background", String(old.keepBackground), String(new.keepBackground)),
            FieldChange("region", old.region.rawValue, new.region.rawValue),
            FieldChange("region margin", String(old.regionMargin), String(new.regionMargin)),
            FieldChange("seed", old.seed.map(String.init) ?? "none", new.seed.map(String.init) ?? "none"),
        ].compactMap { $0 }
    }

    /// `set FIELD OLD -> NEW, …`.
    public var description: String {
        "set " + FieldChange.list(changes)
    }
}
