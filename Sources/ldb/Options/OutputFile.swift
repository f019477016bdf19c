import Foundation

/// A file a command writes: checked before any work, so that a long render never ends in a refusal, and
/// written to a temporary file in the same folder and renamed into place, so that a reader never sees half a
/// file and a failed write leaves what was there.
///
/// An output never replaces a folder, an SQLite database (a project, or any other), or one of the command's
/// inputs; a PNG's name must end in `.png`, and `-` means standard output where allowed.
struct OutputFile {
    /// What is written, named by its extension.
    enum Format: String {
        case png, safetensors
    }

    /// The path as given, or `-` for standard output.
    let path: String
    let format: Format

    var isStandardOutput: Bool { path == "-" }

    /// Checks `path` as an output of `format` for a command that reads `inputs`.
    /// - Throws: `OutputFileError` saying what is wrong with the path.
    init(_ path: String, format: Format, inputs: [String], allowsStandardOutput: Bool = false) throws {
        self.path = path
        self.format = format
        if path == "-" {
            guard allowsStandardOutput else { throw OutputFileError.noStandardOutput(format: format) }
            return
        }
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue { throw OutputFileError.isFolder(path, format: format) }
        if exists && Self.isSQLite(path) { throw OutputFileError.isDatabase(path) }
        // An image viewer goes by the name; tensors are read by their header whatever the name.
        guard format != .png || url.pathExtension.lowercased() == "png" else {
            throw OutputFileError.notPNG(path)
        }
        let folder = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OutputFileError.noFolder(path, folder: folder)
        }
        guard exists else { return }
        let identity = Self.identity(of: path)
        for input in inputs where identity != nil && Self.identity(of: input) == identity {
            throw OutputFileError.isInput(path, input: input)
        }
    }

    /// Writes `data` to the path (or standard output).
    func write(_ data: Data) throws {
        if isStandardOutput {
            FileHandle.standardOutput.write(data)
            return
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw OutputFileError.writeFailed(path, reason: describe(error))
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw OutputFileError.writeFailed(path, reason: reason)
        }
    }

    /// Whether the file at `path` starts with SQLite's 16-byte magic string.
    private static func isSQLite(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let magic = (try? handle.read(upToCount: 16)) ?? Data()
        return magic == Data("SQLite format 3\u{0}".utf8)
    }

    /// The device and inode of the file at `path`, which two names of one file share.
    private static func identity(of path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }
}

/// Why an output path was refused.
enum OutputFileError: Error, CustomStringConvertible {
    case noStandardOutput(format: OutputFile.Format)
    case notPNG(String)
    case noFolder(String, folder: String)
    case isFolder(String, format: OutputFile.Format)
    case isDatabase(String)
    case isInput(String, input: String)
    case writeFailed(String, reason: String)

    var description: String {
        switch self {
        case .noStandardOutput(let format):
            "this command cannot write its .\(format.rawValue) output to standard output (-); give a file path"
        case .notPNG(let path):
            "\(path): ldb writes PNG images only; give a path ending in .png (or - for standard output)"
        case let .noFolder(path, folder):
            "\(path): the folder \(folder) does not exist"
        case let .isFolder(path, format):
            "\(path) is a folder; give a file path inside it, such as \(path)/out.\(format.rawValue)"
        case .isDatabase(let path):
            "\(path) is an SQLite database (an ldb project?); refusing to overwrite it"
        case let .isInput(path, input):
            "\(path) is \(input), an input of this command; refusing to overwrite it"
        case let .writeFailed(path, reason):
            "\(path): cannot write the file: \(reason)"
        }
    }
}

/// A Foundation error as a sentence: its underlying POSIX reason when there is one ("Is a directory"), or what
/// its code means, rather than "The operation could not be completed (NSCocoaErrorDomain error 512)".
func describe(_ error: any Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
    guard nsError.domain == NSCocoaErrorDomain else { return String(describing: error) }
    if let path = nsError.userInfo[NSFilePathErrorKey] as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return "is a folder, not a file"
        }
    }
    switch CocoaError.Code(rawValue: nsError.code) {
    case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file"
    case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
    case .fileWriteOutOfSpace: return "no space left on the device"
    case .fileWriteVolumeReadOnly: return "the volume is read-only"
    case .fileWriteFileExists: return "a file already exists there"
    case .fileReadCorruptFile: return "the file is damaged"
    case .fileReadTooLarge: return "the file is too large"
    default: return nsError.localizedDescription
    }
}
