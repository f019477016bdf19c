import Foundation

/// Everything that can go wrong with a `.ldbproj` document, each with a message meant for the user.
public enum DocumentError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No file at the path.
    case fileNotFound(String)
    /// `Project.create` refuses to overwrite a file.
    case alreadyExists(String)
    /// The file is not an SQLite database.
    case notSQLite(String)
    /// A folder was given where a project file was expected.
    case isFolder(String)
    /// The file is an SQLite database made by another application (its `application_id` is not ldb's).
    case foreignApplication(String)
    /// The file was written by a newer ldb; it is left untouched.
    case newerFormat(String, found: Int, supported: Int)
    /// The file is damaged; the detail says how.
    case corrupt(String, String)
    /// Another process holds the write lock longer than the busy timeout.
    case locked(String)
    /// Any other SQLite or file-system failure.
    case storage(String, String)
    /// The ldb build lacks its schema files (a packaging error, not a user error).
    case missingSchema(String)
    case layerNotFound(String)
    case duplicateLayerName(String)
    case invalidParameter(String)
    case revisionNotFound(String)
    case tagExists(String)
    case nothingToUndo
    /// A change was made on a revision that is no longer HEAD (someone else changed the project since).
    case staleHead(expected: Int64, found: Int64)
    case nothingToRedo
    case blobNotFound(String)
    /// A mask image does not have the project's size (width, height).
    case maskSizeMismatch(expected: (Int, Int), found: (Int, Int))
    /// A layer's mask blob does not hold `width * height` bytes.
    case maskByteCountMismatch(layer: String, expected: Int, found: Int)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .alreadyExists(let path):
            return "\(path): file already exists (refusing to overwrite it)"
        case .notSQLite(let path):
            return "\(path): not an ldb project (not an SQLite database)"
        case .isFolder(let path):
            return "\(path): is a folder, not an ldb project file (.ldbproj)"
        case .foreignApplication(let path):
            return "\(path): not an ldb project (an SQLite database of another application)"
        case .newerFormat(let path, let found, let supported):
            return "\(path): project format version \(found) is newer than this ldb supports (\(supported)); "
                + "upgrade ldb to open it (the file was not modified)"
        case .corrupt(let path, let detail):
            return "\(path): project file is corrupt: \(detail)"
        case .locked(let path):
            return "\(path): project is locked by another process (gave up waiting)"
        case .storage(let path, let detail):
            return "\(path): \(detail)"
        case .missingSchema(let detail):
            return "ldb is missing its project schema files: \(detail)"
        case .layerNotFound(let reference):
            return "no layer with id or name '\(reference)'"
        case .duplicateLayerName(let name):
            return "a layer named '\(name)' already exists (layer names must be unique)"
        case .invalidParameter(let detail):
            return "invalid parameter: \(detail)"
        case .revisionNotFound(let reference):
            return "no revision or tag '\(reference)'"
        case .tagExists(let name):
            return "tag '\(name)' already exists"
        case .nothingToUndo:
            return "nothing to undo (HEAD is the first revision)"
        case .nothingToRedo:
            return "nothing to redo (HEAD has no child revision)"
        case .staleHead(let expected, let found):
            return "the project changed: the edit was made on revision \(expected) but HEAD is now \(found)"
        case .blobNotFound(let sha256):
            return "blob \(sha256) is not stored in the project"
        case .maskSizeMismatch(let expected, let found):
            return "mask is \(found.0)x\(found.1) but the project is \(expected.0)x\(expected.1)"
        case .maskByteCountMismatch(let layer, let expected, let found):
            return "layer '\(layer)': mask holds \(found) bytes, expected \(expected) (width x height)"
        }
    }

    public static func == (lhs: DocumentError, rhs: DocumentError) -> Bool {
        switch (lhs, rhs) {
        case (.fileNotFound(let a), .fileNotFound(let b)),
             (.alreadyExists(let a), .alreadyExists(let b)),
             (.notSQLite(let a), .notSQLite(let b)),
             (.isFolder(let a), .isFolder(let b)),
             (.foreignApplication(let a), .foreignApplication(let b)),
             (.locked(let a), .locked(let b)),
             (.missingSchema(let a), .missingSchema(let b)),
             (.layerNotFound(let a), .layerNotFound(let b)),
             (.duplicateLayerName(let a), .duplicateLayerName(let b)),
             (.invalidParameter(let a), .invalidParameter(let b)),
             (.revisionNotFound(let a), .revisionNotFound(let b)),
             (.tagExists(let a), .tagExists(let b)),
             (.blobNotFound(let a), .blobNotFound(let b)):
            return a == b
        case (.newerFormat(let a, let foundA, let supportedA), .newerFormat(let b, let foundB, let supportedB)):
            return a == b && foundA == foundB && supportedA == supportedB
        case (.corrupt(let a, let detailA), .corrupt(let b, let detailB)),
             (.storage(let a, let detailA), .storage(let b, let detailB)):
            return a == b && detailA == detailB
        case (.nothingToUndo, .nothingToUndo), (.nothingToRedo, .nothingToRedo):
            return true
        case (.staleHead(let expectedA, let foundA), .staleHead(let expectedB, let foundB)):
            return expectedA == expectedB && foundA == foundB
        case (.maskSizeMismatch(let expectedA, let foundA), .maskSizeMismatch(let expectedB, let foundB)):
            return expectedA == expectedB && foundA == foundB
        case (.maskByteCountMismatch(let a, let expectedA, let foundA),
              .maskByteCountMismatch(let b, let expectedB, let foundB)):
            return a == b && expectedA == expectedB && foundA == foundB
        default:
            return false
        }
    }
}
