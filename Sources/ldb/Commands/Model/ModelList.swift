import ArgumentParser
import Foundation
import LDBDiffusion
import LDBDocument

extension ModelCommand {
    /// `ldb model list`: the models in the Hugging Face cache, and those projects refer to.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the models in the Hugging Face cache and those the given projects use.")

        @Argument(help: ArgumentHelp("Projects whose model to check.", valueName: "project.ldbproj"))
        var projects: [String] = []

        @OptionGroup var output: JSONFlag

        func run() throws {
            let cached = try ModelLocation.cachedModels()
            let referenced = try projects.map { path in
                let reference = try Project.open(at: URL(fileURLWithPath: path)).model()
                return (project: path, reference: reference, status: Self.status(of: reference))
            }
            if output.json {
                try printJSON(ModelListJSON(
                    cached: cached.map {
                        .init(id: $0.id, revision: $0.revision, folder: $0.folder.path, sizeOnDisk: $0.sizeOnDisk,
                              complete: $0.isComplete)
                    },
                    projects: referenced.map {
                        .init(project: $0.project, location: $0.reference.location,
                              fingerprint: $0.reference.fingerprint, status: $0.status)
                    }))
                return
            }
            print(cached.isEmpty ? "no models in the Hugging Face cache (\(HubCache().directory.path))"
                                 : "in the Hugging Face cache (\(HubCache().directory.path)):")
            for model in cached {
                let size = ByteCountFormatter.string(fromByteCount: model.sizeOnDisk, countStyle: .file)
                print("  \(model.id)  \(model.revision.prefix(12))  \(size)\(model.isComplete ? "" : "  (incomplete)")")
            }
            for entry in referenced {
                print("\(entry.project): \(entry.reference.location)  \(entry.reference.fingerprint.prefix(12))  \(entry.status)")
            }
        }

        /// Whether a project's model is here, and unchanged since the project recorded it.
        static func status(of reference: ModelReference) -> String {
            guard let location = try? ModelLocation.resolve(reference.location) else { return "missing" }
            guard let fingerprint = try? ModelReference.fingerprint(of: location.url) else { return "unreadable" }
            if fingerprint == reference.fingerprint { return "found" }
            // Recorded before fingerprints covered the weights; the next render re-records it.
            return ModelReference.matchesLegacyFingerprint(reference.fingerprint, of: location.url) ? "found" : "changed"
        }
    }
}

/// `ldb model list --json`.
struct ModelListJSON: Encodable {
    struct Cached: Encodable {
        var id: String, revision: String, folder: String
        var sizeOnDisk: Int64
        var complete: Bool
        enum CodingKeys: String, CodingKey { case id, revision, folder, sizeOnDisk = "size_on_disk", complete }
    }

    struct Referenced: Encodable {
        var project: String, location: String, fingerprint: String, status: String
    }

    var cached: [Cached]
    var projects: [Referenced]
}
