import Foundation
import GRDB

/// An open `.ldbproj` document: one SQLite file holding the settings, the model reference, the layers at
/// HEAD, the journal of revisions, refs, blobs and the engine's caches.
///
/// Every change is one IMMEDIATE transaction that appends one revision, so several processes (or several
/// `Project` values) may use the same file: a writer waits up to the busy timeout for another and then
/// fails with `DocumentError.locked`. The file uses SQLite's rollback journal with synchronous FULL, so a
/// crash at any moment leaves it at the last committed revision.
public final class Project: Sendable {
    /// Newest project format this build reads and writes: the number of files in `Schemas/`.
    public static let formatVersion = 3
    /// `PRAGMA application_id` of every project: "LDBP".
    public static let applicationID: Int32 = 0x4C44_4250
    /// How long a writer waits for another process's transaction before giving up.
    public static let defaultBusyTimeout: TimeInterval = 10

    /// Tables a project must have; `open` refuses a file that lacks one.
    static let requiredTables: Set<String> = [
        "blob", "settings", "model", "layer", "revision", "ref",
        "cache_base_trajectory", "cache_layer_result", "cache_render",
    ]

    public let url: URL
    let database: DatabaseQueue

    private init(url: URL, database: DatabaseQueue) {
        self.url = url
        self.database = database
    }

    // MARK: Creating and opening

    /// Creates a new project with its root revision ("create project") and opens it.
    ///
    /// The file is built under a temporary name in the same folder and then linked into place, so a failure
    /// leaves nothing behind and an existing file is never overwritten.
    /// - Parameters:
    ///   - sourceImagePNG: the original PNG bytes of a real-image project; stored as a blob and recorded as
    ///     `settings.sourceImageSHA256`.
    /// - Throws: `.alreadyExists`, `.invalidParameter` for invalid settings, `.blobNotFound` when the settings
    ///   name a source image that is not given, `.storage` when the folder is not writable.
    public static func create(
        at url: URL, settings: ProjectSettings, model: ModelReference, sourceImagePNG: Data?,
        busyTimeout: TimeInterval = defaultBusyTimeout
    ) throws -> Project {
        let path = url.path
        guard !FileManager.default.fileExists(atPath: path) else { throw DocumentError.alreadyExists(path) }
        var settings = settings
        if let sourceImagePNG {
            settings.sourceImageSHA256 = BlobCodec.sha256Hex(sourceImagePNG)
        } else if let sha256 = settings.sourceImageSHA256 {
            throw DocumentError.blobNotFound(sha256)
        }
        try ProjectState(settings: settings).validate()
        let migrations = try Migration.bundled()

        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        defer {
            try? FileManager.default.removeItem(at: temporary)
            try? FileManager.default.removeItem(atPath: temporary.path + "-journal")
        }
        do {
            let queue = try DatabaseQueue(path: temporary.path, configuration: configuration(busyTimeout: busyTimeout))
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                try db.inTransaction(.immediate) {
                    try db.execute(sql: "PRAGMA application_id = \(applicationID)")
                    try Migration.migrate(db, with: migrations)
                    if let sourceImagePNG {
                        _ = try BlobStore.put(sourceImagePNG, db)
                    }
                    try settings.save(db)
                    try model.save(db)
                    try db.execute(
                        sql: """
                            INSERT INTO revision (id, parent, depth, created_at, description, delta)
                            VALUES (1, NULL, 0, ?, 'create project', ?)
                            """,
                        arguments: [Date().timeIntervalSince1970, try RevisionDelta().encoded()])
                    try db.execute(sql: "INSERT INTO ref (name, revision) VALUES ('HEAD', 1)")
                    return .commit
                }
            }
            try queue.close()
        } catch {
            throw map(error, path: path)
        }
        try moveIntoPlace(temporary, url)
        return try open(at: url, busyTimeout: busyTimeout)
    }

    /// Opens an existing project, migrating it when it was written by an older ldb.
    ///
    /// Checks, before SQLite writes anything: the file exists, is SQLite, carries ldb's `application_id`,
    /// is not newer than `formatVersion` and is not truncated. Then migrates an older file in one transaction
    /// and checks the required tables and rows. A refused file is left byte for byte as it was.
    /// - Throws: `.fileNotFound`, `.notSQLite`, `.foreignApplication`, `.newerFormat`, `.corrupt`, `.locked`.
    public static func open(at url: URL, busyTimeout: TimeInterval = defaultBusyTimeout) throws -> Project {
        let path = url.path
        let header = try FileHeader.read(at: url)
        guard header.applicationID == applicationID else { throw DocumentError.foreignApplication(path) }
        guard Int(header.userVersion) <= formatVersion else {
            throw DocumentError.newerFormat(path, found: Int(header.userVersion), supported: formatVersion)
        }
        guard header.userVersion >= 1 else {
            throw DocumentError.corrupt(path, "the file has no format version")
        }
        try checkSize(of: url, header: header)
        let migrations = try Migration.bundled()
        do {
            let database = try DatabaseQueue(path: path, configuration: configuration(busyTimeout: busyTimeout))
            try database.writeWithoutTransaction { db in
                if try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 < formatVersion {
                    try db.inTransaction(.immediate) {
                        try Migration.migrate(db, with: migrations)
                        return .commit
                    }
                }
                try checkContents(db, path: path)
            }
            return Project(url: url, database: database)
        } catch {
            throw map(error, path: path)
        }
    }

    static func configuration(busyTimeout: TimeInterval) -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "ldb project"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return configuration
    }

    /// Refuses a file shorter than its header says, unless a hot journal is about to restore it.
    private static func checkSize(of url: URL, header: FileHeader) throws {
        let journal = url.path + "-journal"
        let journalSize = (try? FileManager.default.attributesOfItem(atPath: journal)[.size] as? NSNumber)??.intValue
        guard let pageCount = header.pageCount, (journalSize ?? 0) == 0,
              let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue
        else { return }
        let expected = pageCount * header.pageSize
        guard size >= expected else {
            throw DocumentError.corrupt(url.path, "file is truncated (\(size) bytes, expected \(expected))")
        }
    }

    /// Checks the tables and the rows every project has, reading the HEAD state (cheap).
    private static func checkContents(_ db: Database, path: String) throws {
        let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
        if let missing = requiredTables.subtracting(tables).sorted().first {
            throw DocumentError.corrupt(path, "table '\(missing)' is missing")
        }
        guard try ModelReference.fetch(db) != nil else { throw DocumentError.corrupt(path, "the model row is missing") }
        _ = try readState(db, path: path)
        _ = try headID(db, path: path)
    }

    /// Links `temporary` to `destination` (failing if it exists), then removes the temporary name.
    private static func moveIntoPlace(_ temporary: URL, _ destination: URL) throws {
        switch FileSystem.linkWithoutReplacing(temporary, destination) {
        case .linked:
            FileSystem.synchronizeFolder(of: destination)
        case .destinationExists:
            throw DocumentError.alreadyExists(destination.path)
        case .failed(let reason):
            throw DocumentError.storage(destination.path, "cannot create file: \(reason)")
        }
    }

    // MARK: Transactions and errors

    /// Runs `body` in one IMMEDIATE transaction, committed when `body` returns a value and `commits` is true.
    func write<T>(commits: (T) -> Bool = { _ in true }, _ body: (Database) throws -> T) throws -> T {
        do {
            return try database.writeWithoutTransaction { db in
                var result: Result<T, Error> = .failure(DocumentError.storage(url.path, "transaction did not run"))
                try db.inTransaction(.immediate) {
                    let value = try body(db)
                    result = .success(value)
                    return commits(value) ? .commit : .rollback
                }
                return try result.get()
            }
        } catch {
            throw Self.map(error, path: url.path)
        }
    }

    /// Runs `body` in one read transaction, so that it sees a single revision.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.writeWithoutTransaction { db in
                var result: Result<T, Error> = .failure(DocumentError.storage(url.path, "transaction did not run"))
                try db.inTransaction(.deferred) {
                    result = .success(try body(db))
                    return .commit
                }
                return try result.get()
            }
        } catch {
            throw Self.map(error, path: url.path)
        }
    }

    /// The `DocumentError` that tells the user what an SQLite `error` means for the project at `path`;
    /// other errors (those of the caller's closures among them) pass through unchanged.
    static func map(_ error: Error, path: String) -> Error {
        switch error {
        case let error as DatabaseError:
            let message = error.message ?? "\(error.resultCode)"
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return DocumentError.locked(path)
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                return DocumentError.corrupt(path, message)
            case .SQLITE_FULL:
                return DocumentError.storage(path, "disk is full")
            case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
                return DocumentError.storage(path, "cannot write the project: \(message)")
            default:
                return DocumentError.storage(path, "SQLite error: \(message)")
            }
        case let error as RowDecodingError:
            return DocumentError.corrupt(path, "unexpected value: \(error)")
        default:
            return error
        }
    }
}
