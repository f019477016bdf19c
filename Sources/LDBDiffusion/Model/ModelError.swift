import Foundation

/// Why a model folder, one of its configurations, its weights, or an input to one of its networks was rejected.
///
/// Every message names the file, field or tensor involved, so that a user can find the problem.
public enum ModelError: Error, CustomStringConvertible, Sendable {
    /// A file the model needs does not exist; `role` says what it is for.
    case missingFile(URL, role: String)
    /// A file exists but could not be read.
    case unreadableFile(URL, reason: String)
    /// A JSON file is not valid JSON, or not a JSON object.
    case invalidJSON(URL, reason: String)
    /// A required configuration field is absent (or `null`).
    case missingField(URL, field: String)
    /// A configuration field holds a value of the wrong kind or out of range.
    case invalidField(URL, field: String, expected: String, found: String)
    /// A configuration field holds a valid value that this implementation does not run.
    case unsupported(URL, field: String, value: String, reason: String)
    /// A component folder holds no `.safetensors` weight file (for the requested variant).
    case missingWeightFile(folder: URL, variant: String?, found: [String])
    /// A weight file could not be opened or parsed.
    case unreadableWeights(URL, reason: String)
    /// A weight the network needs is in none of the component's files.
    case missingWeight(name: String, files: [URL])
    /// A weight exists but has another shape than the configuration implies.
    case weightShapeMismatch(name: String, file: URL, expected: [Int], found: [Int])
    /// A weight is stored in a type that cannot be converted to float32 (such as an integer type).
    case unsupportedWeightType(name: String, file: URL, type: String)
    /// An input given to a network's forward pass does not fit it.
    case invalidInput(network: String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let url, let role):
            "\(url.path): missing \(role)"
        case .unreadableFile(let url, let reason):
            "\(url.path): cannot be read: \(reason)"
        case .invalidJSON(let url, let reason):
            "\(url.path): invalid JSON: \(reason)"
        case .missingField(let url, let field):
            "\(url.path): required field \"\(field)\" is missing"
        case .invalidField(let url, let field, let expected, let found):
            "\(url.path): field \"\(field)\" should be \(expected), found \(found)"
        case .unsupported(let url, let field, let value, let reason):
            "\(url.path): \(field) \(value) is not supported (\(reason))"
        case .missingWeightFile(let folder, let variant, let found):
            "\(folder.path): no \(variant.map { "\($0) " } ?? "").safetensors weight file"
                + (found.isEmpty ? "" : " (found: \(found.joined(separator: ", ")))")
        case .unreadableWeights(let url, let reason):
            "\(url.path): cannot read weights: \(reason)"
        case .missingWeight(let name, let files):
            "weight \"\(name)\" is missing from \(files.map(\.path).joined(separator: ", "))"
        case .weightShapeMismatch(let name, let file, let expected, let found):
            "\(file.path): weight \"\(name)\" has shape \(found), expected \(expected)"
        case .unsupportedWeightType(let name, let file, let type):
            "\(file.path): weight \"\(name)\" is stored as \(type), which is not a floating-point type"
        case .invalidInput(let network, let reason):
            "\(network): \(reason)"
        }
    }
}
