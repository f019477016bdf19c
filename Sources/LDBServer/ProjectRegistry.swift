import Foundation
import LDBDocument

/// The projects a server may reach: the `.ldbproj` files given on the command line and those directly
/// inside the folders given. A project is named by its file name; nothing else on the disk is reachable.
///
/// A name is looked up afresh on every request: it must be a plain file name (no `/`, no `..`), ending in
/// `.ldbproj`, of a regular file whose real path (symbolic links resolved) lies in a served folder, or of a
/// file given by name.
final class ProjectRegistry: Sendable {
    static let fileExtension = "ldbproj"

    /// Files given by path: name -> real path.
    private let files: [String: URL]
    /// Folders given, by real path.
    private let folders: [URL]
    private let sessions = Locked<[String: ProjectSession]>([:])
    private let configuration: ServerConfiguration

    /// - Throws: `APIError` naming a path that does not exist or is neither a folder nor a project file.
    init(configuration: ServerConfiguration) throws {
        self.configuration = configuration
        var files: [String: URL] = [:]
        var folders: [URL] = []
        for path in configuration.paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isFolder) else {
                throw APIError(.notFound, "\(path.path): no such file or folder")
            }
            let real = path.resolvingSymlinksInPath().standardizedFileURL
            if isFolder.boolValue {
                folders.append(real)
            } else {
                guard real.pathExtension == Self.fileExtension else {
                    throw APIError(.badRequest, "\(path.path): not a .\(Self.fileExtension) file or a folder")
                }
                files[path.lastPathComponent] = real
            }
        }
        self.files = files
        self.folders = folders
    }

    /// Where new projects are created: the first folder served, else the folder of the first file.
    var creationFolder: URL? {
        folders.first ?? configuration.paths.first.map {
            $0.resolvingSymlinksInPath().standardizedFileURL.deletingLastPathComponent()
        }
    }

    /// The names of every reachable project, sorted.
    func names() -> [String] {
        var names = Set(files.keys)
        for folder in folders {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for entry in entries where (try? location(of: entry)) != nil {
                names.insert(entry)
            }
        }
        return names.sorted()
    }

    /// The real location of the project called `name`.
    /// - Throws: `APIError` 400 for a name that is not a plain project file name, 404 when there is none.
    func location(of name: String) throws -> URL {
        try Self.checkName(name)
        if let file = files[name] { return file }
        for folder in folders {
            let candidate = folder.appendingPathComponent(name)
            let real = candidate.resolvingSymlinksInPath().standardizedFileURL
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: real.path, isDirectory: &isFolder), !isFolder.boolValue
            else { continue }
            guard real.deletingLastPathComponent().path == folder.path else {
                throw APIError(.forbidden, "project '\(name)' links outside the served folders")
            }
            return real
        }
        throw APIError(.notFound, "no project '\(name)' here")
    }

    /// The open session of the project called `name`, opening it on first use.
    func session(_ name: String) throws -> ProjectSession {
        let url = try location(of: name)
        return try sessions.withLock { sessions in
            if let session = sessions[name], session.url == url { return session }
            let session = ProjectSession(name: name, project: try Project.open(at: url),
                                         watchInterval: configuration.watchInterval, preview: configuration.preview,
                                         weightPrecision: configuration.weightPrecision)
            sessions[name]?.close()
            sessions[name] = session
            return session
        }
    }

    /// The location a new project called `name` gets.
    /// - Throws: `APIError` for a bad name, 409 when it exists, 403 when no folder accepts new projects.
    func newLocation(for name: String) throws -> URL {
        try Self.checkName(name)
        guard let folder = creationFolder else { throw APIError(.forbidden, "this server has no folder for new projects") }
        let url = folder.appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: url.path), files[name] == nil else {
            throw APIError(.conflict, "a project '\(name)' already exists")
        }
        return url
    }

    /// Closes every open session (stops their watchers and renders).
    func closeAll() {
        sessions.withLock { sessions in
            sessions.values.forEach { $0.close() }
            sessions.removeAll()
        }
    }

    static func checkName(_ name: String) throws {
        guard !name.isEmpty, name.utf8.count <= 255, !name.contains("/"), !name.contains("\\"),
              !name.hasPrefix("."), !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
              name.hasSuffix(".\(fileExtension)"), name.count > fileExtension.count + 1
        else {
            throw APIError.badRequest(
                "project name '\(name)' must be a plain file name ending in .\(fileExtension) (no folders, not hidden)")
        }
    }
}
