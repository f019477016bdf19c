import ArgumentParser
import LDBDocument

/// `--region` and `--region-margin`, shared by `new`, `set` and `render`.
struct RegionOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "full: every layer and the finish run on the whole latent. crop: on windows around the edited cells, so "
            + "an edit costs what its region covers (an approximation).",
        valueName: "full|crop"))
    var region: RegionMode?

    @Option(name: .customLong("region-margin"), help: ArgumentHelp(
        "Latent cells crop mode adds around the edited cells (8 = 64 pixels on Stable Diffusion).",
        valueName: "cells"))
    var regionMargin: Int?

    func validate() throws {
        if let regionMargin, !(0...ProjectSettings.maximumRegionMargin).contains(regionMargin) {
            throw ValidationError(
                "--region-margin \(regionMargin) must be between 0 and \(ProjectSettings.maximumRegionMargin).")
        }
    }

    /// Sets what was given.
    func apply(to settings: inout ProjectSettings) {
        if let region { settings.region = region }
        if let regionMargin { settings.regionMargin = regionMargin }
    }
}

extension RegionMode: ExpressibleByArgument {}
