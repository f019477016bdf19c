import LDBDocument

/// Where a render runs the UNet for layers and the finish: the project's `region` and `regionMargin`, or what
/// one render asks for instead (docs/algorithm.md, "Region mode").
public struct RegionSetting: Equatable, Hashable, Sendable {
    /// Full or crop mode.
    public var mode: RegionMode
    /// The margin c in latent cells that crop mode adds around the edited cells (unused in full mode).
    public var margin: Int

    /// Full mode: the whole latent for every layer and every finish step.
    public static let full = RegionSetting(mode: .full, margin: ProjectSettings.defaultRegionMargin)

    public init(mode: RegionMode, margin: Int = ProjectSettings.defaultRegionMargin) {
        self.mode = mode
        self.margin = margin
    }

    /// The project's setting.
    public init(_ settings: ProjectSettings) {
        self.init(mode: settings.region, margin: settings.regionMargin)
    }
}
