import Foundation
import LDBDiffusion
import LDBDocument

/// A model as the command line names it (a path, or a Hugging Face id in the cache), resolved, and the reference
/// a new project records for it.
struct NamedModel {
    let name: String
    let location: ModelLocation

    /// - Throws: `CommandError.modelNotFound` when `name` is neither a path nor a cached id.
    init(_ name: String) throws {
        self.name = name
        do {
            location = try ModelLocation.resolve(name)
        } catch {
            if case .noSuchPath = error { throw CommandError.modelNotFound(name) }
            throw error
        }
    }

    /// The reference a project records: a path absolute, a Hugging Face id (which names no path) as given, so that
    /// the project follows the cache.
    func reference(predictionType: String? = nil) throws -> ModelReference {
        let isPath = FileManager.default.fileExists(atPath: (name as NSString).expandingTildeInPath)
        return ModelReference(location: isPath ? location.url.path : name,
                              fingerprint: try ModelReference.fingerprint(of: location.url),
                              predictionType: predictionType)
    }
}
