import Foundation
import LDBDiffusion

/// What the Hub's revision API says of a repository at one revision: its commit and its files.
public struct HubRepositoryInfo: Sendable, Equatable {
    /// One file of the repository (a `siblings` entry).
    public struct File: Sendable, Equatable {
        /// The path in the repository, `unet/config.json`.
        public let path: String
        /// The size in bytes, when the API gave it.
        public let size: Int64?
        /// The SHA-256 of an LFS file's contents; `nil` for files stored in git.
        public let lfsSHA256: String?
    }

    /// The full commit hash the revision names.
    public let commit: String
    /// The repository's files, in the API's order.
    public let files: [File]

    /// Decodes the JSON of `GET /api/models/{id}/revision/{revision}?blobs=true`.
    init(json data: Data, id: HubRepositoryID) throws(HubDownloadError) {
        guard let object = try? JSONSerialization.jsonObject(with: data), let root = object as? [String: Any] else {
            throw .malformedRepositoryInfo(id, reason: "the answer is not a JSON object")
        }
        guard let commit = root["sha"] as? String, Self.isCommitHash(commit) else {
            throw .malformedRepositoryInfo(id, reason: "no 40-digit commit hash in 'sha'")
        }
        guard let siblings = root["siblings"] as? [[String: Any]] else {
            throw .malformedRepositoryInfo(id, reason: "no 'siblings' list of files")
        }
        var files: [File] = []
        for sibling in siblings {
            guard let path = sibling["rfilename"] as? String, !path.isEmpty else {
                throw .malformedRepositoryInfo(id, reason: "a file without 'rfilename'")
            }
            let lfs = sibling["lfs"] as? [String: Any]
            files.append(File(path: path, size: (sibling["size"] as? NSNumber)?.int64Value,
                              lfsSHA256: (lfs?["sha256"] as? String)?.lowercased()))
        }
        self.commit = commit
        self.files = files
    }

    /// Whether `text` is a full commit hash, 40 lowercase hexadecimal digits.
    static func isCommitHash(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
