import Foundation
import LDBEditing

// The JSON the API answers with beyond the CLI's own shapes (LDBEditing's `ProjectInfoJSON`, `LayerJSON` and
// `HistoryJSON`, which the API sends as they are); `openapi.json` describes them all.

/// The answer to every change: what it did (nil when nothing changed) and the project afterwards, as
/// `ldb info --json` prints it (its `project` is the name the routes take).
struct ChangeShape: Encodable {
    var description: String?
    var project: ProjectInfoJSON

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(description, forKey: .description)
        try container.encode(project, forKey: .project)
    }

    enum CodingKeys: String, CodingKey { case description, project }
}

/// The list of reachable projects.
struct ProjectListShape: Encodable {
    var projects: [String]
    var canCreate: Bool

    enum CodingKeys: String, CodingKey { case projects, canCreate = "can_create" }
}
