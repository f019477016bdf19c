/// Why a UNet could not be configured or run.
public enum UNetError: Error, CustomStringConvertible, Equatable {
    /// The configuration file could not be read or is not valid JSON of the expected shape.
    case unreadableConfiguration(file: String, reason: String)
    /// A configuration field asks for an architecture this UNet does not implement (inpainting, SDXL, ...).
    case unsupportedConfiguration(file: String, field: String, message: String)
    /// A configuration field has a value no UNet can be built from (a negative size, lists of different
    /// lengths, a group count that does not divide a channel count, ...).
    case invalidConfiguration(file: String, field: String, message: String)
    /// The tensors given to the forward pass do not fit the model.
    case invalidInput(String)

    public var description: String {
        switch self {
        case .unreadableConfiguration(let file, let reason):
            return "\(file): cannot read the UNet configuration: \(reason)"
        case .unsupportedConfiguration(let file, _, let message):
            return "\(file): \(message) is not supported"
        case .invalidConfiguration(let file, _, let message):
            return "\(file): \(message)"
        case .invalidInput(let message):
            return "UNet input: \(message)"
        }
    }

    /// The same error, naming `file` as the configuration it came from.
    func located(in file: String) -> UNetError {
        switch self {
        case .unreadableConfiguration(_, let reason):
            return .unreadableConfiguration(file: file, reason: reason)
        case .unsupportedConfiguration(_, let field, let message):
            return .unsupportedConfiguration(file: file, field: field, message: message)
        case .invalidConfiguration(_, let field, let message):
            return .invalidConfiguration(file: file, field: field, message: message)
        case .invalidInput:
            return self
        }
    }
}
