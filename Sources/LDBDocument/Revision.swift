import Foundation

/// One entry of the project's journal. Revisions form a tree rooted at the "create project" revision.
public struct Revision: Equatable, Sendable {
    public var id: Int64
    /// `nil` only for the root revision.
    public var parent: Int64?
    /// What the change did, in words.
    public var description: String
    public var createdAt: Date
    /// Tags naming this revision, sorted.
    public var tags: [String]

    public init(id: Int64, parent: Int64?, description: String, createdAt: Date, tags: [String]) {
        self.id = id
        self.parent = parent
        self.description = description
        self.createdAt = createdAt
        self.tags = tags
    }
}
