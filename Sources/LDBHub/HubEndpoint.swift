import Foundation
import LDBDiffusion

/// Where the Hugging Face Hub is, and the token to show it: `$HF_ENDPOINT` (`https://huggingface.co` when unset)
/// and `$HF_TOKEN`, as huggingface_hub reads them.
public struct HubEndpoint: Sendable, Equatable {
    /// The Hub's base URL, without a trailing slash.
    public let url: URL
    /// The access token sent as `Authorization: Bearer …` to the Hub (never to the CDN it redirects to).
    public let token: String?

    /// The Hub at `url`, with an optional access token.
    public init(url: URL, token: String? = nil) throws(HubDownloadError) {
        var text = url.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        guard let trimmed = URL(string: text), let scheme = trimmed.scheme?.lowercased(),
              scheme == "http" || scheme == "https", trimmed.host != nil else {
            throw .invalidEndpoint(url.absoluteString)
        }
        self.url = trimmed
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The endpoint `environment` selects: `HF_ENDPOINT` and `HF_TOKEN` (or the legacy `HUGGING_FACE_HUB_TOKEN`);
    /// variables set to the empty string count as unset.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(HubDownloadError) {
        func value(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines),
                  !value.isEmpty else { return nil }
            return value
        }
        let endpoint = value("HF_ENDPOINT") ?? "https://huggingface.co"
        guard let url = URL(string: endpoint) else { throw .invalidEndpoint(endpoint) }
        try self.init(url: url, token: value("HF_TOKEN") ?? value("HUGGING_FACE_HUB_TOKEN"))
    }

    /// `GET {endpoint}/api/models/{id}/revision/{revision}?blobs=true`: the commit and the files, with sizes and
    /// LFS SHA-256s (huggingface_hub's `HfApi.model_info(..., files_metadata=True)`).
    func revisionInfoURL(for id: HubRepositoryID, revision: String) -> URL {
        URL(string: "\(url.absoluteString)/api/models/\(id.namespace)/\(id.name)/revision/"
            + "\(Self.escape(revision, keepingSlashes: false))?blobs=true")!
    }

    /// `{endpoint}/{id}/resolve/{commit}/{path}` (huggingface_hub's `hf_hub_url`).
    func resolveURL(for id: HubRepositoryID, commit: String, path: String) -> URL {
        URL(string: "\(url.absoluteString)/\(id.namespace)/\(id.name)/resolve/\(Self.escape(commit, keepingSlashes: false))/"
            + Self.escape(path, keepingSlashes: true))!
    }

    /// Whether requests to `other` may carry the token: only those to the endpoint's own scheme, host and port.
    func isSameOrigin(_ other: URL) -> Bool {
        other.scheme?.lowercased() == url.scheme?.lowercased() && other.host?.lowercased() == url.host?.lowercased()
            && other.port == url.port
    }

    /// Percent-encodes `text` as Python's `urllib.parse.quote` does (`safe=""` or `safe="/"`).
    private static func escape(_ text: String, keepingSlashes: Bool) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~")
        if keepingSlashes { allowed.insert("/") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
