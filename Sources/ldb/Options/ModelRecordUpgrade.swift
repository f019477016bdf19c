import LDBDiffusion
import LDBDocument

/// Brings a project's model record made before fingerprints covered the weights to today's form, so that its
/// renders do not report a changed model (see `Project.upgradeLegacyModelFingerprint`). Failures are left to
/// the engine, which reports a missing or changed model itself.
func upgradeLegacyModelFingerprint(of document: Project) {
    guard let reference = try? document.model(),
          let location = try? ModelLocation.resolve(reference.location) else { return }
    _ = try? document.upgradeLegacyModelFingerprint(modelAt: location.url)
}
