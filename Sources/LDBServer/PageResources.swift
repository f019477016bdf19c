import Foundation

/// The editor's page: the HTML, CSS and JavaScript modules shipped in the `Page` resource folder, read once.
struct PageResources: Sendable {
    struct File: Sendable {
        var data: Data
        var contentType: String
    }

    private let files: [String: File]
    /// The OpenAPI document of the HTTP API.
    let openAPI: Data

    /// Where the OpenAPI document lies among the module's resources.
    static var openAPIURL: URL? { Bundle.module.url(forResource: "openapi", withExtension: "json") }

    init() throws {
        guard let folder = Bundle.module.url(forResource: "Page", withExtension: nil),
              let openAPIURL = Self.openAPIURL
        else { throw APIError(.internalServerError, "ldb is missing its editor page resources") }
        var files: [String: File] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            files[name] = File(data: data, contentType: Self.contentType(of: name))
        }
        self.files = files
        openAPI = try Data(contentsOf: openAPIURL)
    }

    /// The file called `name` (a plain name, no folders).
    func file(_ name: String) -> File? {
        files[name]
    }

    private static func contentType(of name: String) -> String {
        switch (name as NSString).pathExtension {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        default: return "application/octet-stream"
        }
    }
}
