import Foundation

/// What a finished pull left in the cache.
public struct HubPullResult: Sendable, Equatable {
    /// The commit the revision named.
    public let commit: String
    /// The snapshot folder, `<cache>/models--ORG--NAME/snapshots/<commit>/`, a diffusers model folder.
    public let snapshot: URL
    /// The repository paths the snapshot now links, sorted.
    public let files: [String]
    /// The paths that were downloaded now (the others were in the cache already).
    public let downloaded: [String]
}
