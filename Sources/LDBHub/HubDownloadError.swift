import Foundation
import LDBDiffusion

/// Why pulling a model from the Hugging Face Hub failed.
///
/// Each message names the repository, the file or the URL concerned, and what to do about it.
public enum HubDownloadError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `HF_ENDPOINT` is not an `http` or `https` URL.
    case invalidEndpoint(String)
    /// A revision that cannot name a branch, tag or commit (empty, or with `.` or `..` components).
    case invalidRevision(String)
    /// The server could not be reached, or the connection failed before any answer.
    case transport(URL, reason: String)
    /// The server refused the credentials (401/403); `tokenSent` says whether `HF_TOKEN` was sent.
    case unauthorized(HubRepositoryID, url: URL, status: Int, tokenSent: Bool)
    /// The repository, revision or file does not exist (404), with the Hub's `X-Error-Code` when it gave one.
    case notFound(HubRepositoryID, url: URL, errorCode: String?)
    /// Any other unexpected HTTP status.
    case httpStatus(URL, status: Int)
    /// The revision API answered something that is not the JSON the Hub sends.
    case malformedRepositoryInfo(HubRepositoryID, reason: String)
    /// The repository does not hold the files of a diffusers Stable Diffusion model.
    case notADiffusersModel(HubRepositoryID, missing: [String])
    /// A file's answer lacks the headers the Hub always sends (`ETag`, `X-Repo-Commit`, a size).
    case missingHeader(URL, header: String)
    /// The server's answers disagree (the commit of a file, or a size, differs from the revision's).
    case inconsistentServer(String, reason: String)
    /// The transfer stopped before the whole file arrived; what arrived is kept for the next attempt to resume.
    case interrupted(String, received: Int64, expected: Int64, reason: String)
    /// The file arrived whole but with the wrong size or checksum; it was discarded.
    case checksumMismatch(String, expected: String, actual: String)
    /// Writing into the cache failed.
    case fileSystem(URL, reason: String)

    public var description: String {
        switch self {
        case .invalidEndpoint(let endpoint):
            return "HF_ENDPOINT '\(endpoint)' is not an http(s) URL"
        case .invalidRevision(let revision):
            return "invalid revision '\(revision)': expected a branch, a tag or a 40-digit commit hash"
        case .transport(let url, let reason):
            return "cannot reach \(url.absoluteString): \(reason)"
        case .unauthorized(let id, let url, let status, let tokenSent):
            let advice = tokenSent
                ? "the token in HF_TOKEN was refused; check that it is valid and has access to \(id)"
                : "\(id) may be private or gated: set HF_TOKEN to a token with access to it"
            return "the Hub refused access to \(url.absoluteString) (HTTP \(status)); \(advice)"
        case .notFound(let id, let url, let errorCode):
            let what = switch errorCode {
            case "RevisionNotFound": "the revision does not exist in \(id)"
            case "EntryNotFound": "the file does not exist in \(id)"
            default: "no repository \(id) (or it is private: set HF_TOKEN)"
            }
            return "\(url.absoluteString) was not found (HTTP 404): \(what)"
        case .httpStatus(let url, let status):
            return "\(url.absoluteString) answered HTTP \(status)"
        case .malformedRepositoryInfo(let id, let reason):
            return "the Hub's description of \(id) is not understood: \(reason)"
        case .notADiffusersModel(let id, let missing):
            return "\(id) is not a diffusers Stable Diffusion model: it has no \(missing.joined(separator: ", "))"
        case .missingHeader(let url, let header):
            return "the answer for \(url.absoluteString) has no \(header) header; is HF_ENDPOINT a Hugging Face Hub?"
        case .inconsistentServer(let file, let reason):
            return "\(file): \(reason)"
        case .interrupted(let file, let received, let expected, let reason):
            return "the download of \(file) stopped after \(received) of \(expected) bytes (\(reason)); "
                + "run the same `ldb model pull` again to resume it"
        case .checksumMismatch(let file, let expected, let actual):
            return "\(file) arrived corrupted: expected \(expected), got \(actual); the download was discarded"
        case .fileSystem(let url, let reason):
            return "cannot write \(url.path): \(reason)"
        }
    }
}
