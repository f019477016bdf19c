import Foundation

/// One JSON configuration file of a model folder (`model_index.json`, a component's `config.json`,
/// `scheduler_config.json`), read field by field with errors that name the file and the field.
///
/// A field whose value is `null` counts as absent, as in diffusers, where `null` selects the default.
public struct ConfigurationFile: Sendable {
    /// Where the file was read from.
    public let url: URL
    /// The top-level fields.
    public let fields: [String: JSONValue]

    /// Reads and parses `url`, which must hold a JSON object.
    /// - Parameter role: what the file is, for the message when it is missing (`"VAE configuration"`).
    public init(contentsOf url: URL, role: String) throws(ModelError) {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw .missingFile(url, role: role)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadableFile(url, reason: error.localizedDescription)
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .invalidJSON(url, reason: Self.describe(error))
        }
        guard case .object(let fields) = value else {
            throw .invalidJSON(url, reason: "expected an object at the top level, found \(value.summary)")
        }
        self.init(url: url, fields: fields)
    }

    /// A configuration made of already-parsed fields (`url` names it in errors).
    public init(url: URL, fields: [String: JSONValue]) {
        self.url = url
        self.fields = fields
    }

    /// Whether `field` is present with a value other than `null`.
    public func contains(_ field: String) -> Bool {
        value(field) != nil
    }

    /// The value of `field`, or `nil` when it is absent or `null`.
    public func value(_ field: String) -> JSONValue? {
        guard let value = fields[field], value != .null else { return nil }
        return value
    }

    /// An integer field; `defaultValue` is used when it is absent.
    public func integer(_ field: String, default defaultValue: Int? = nil) throws(ModelError) -> Int {
        guard let value = value(field) else {
            guard let defaultValue else { throw .missingField(url, field: field) }
            return defaultValue
        }
        return try integer(value, field: field)
    }

    /// A positive integer field; `defaultValue` is used when it is absent.
    public func positiveInteger(_ field: String, default defaultValue: Int? = nil) throws(ModelError) -> Int {
        let result = try integer(field, default: defaultValue)
        guard result > 0 else {
            throw .invalidField(url, field: field, expected: "a positive integer", found: String(result))
        }
        return result
    }

    /// A list of integers; `defaultValue` is used when the field is absent.
    public func integers(_ field: String, default defaultValue: [Int]? = nil) throws(ModelError) -> [Int] {
        guard let value = value(field) else {
            guard let defaultValue else { throw .missingField(url, field: field) }
            return defaultValue
        }
        guard case .array(let elements) = value else {
            throw .invalidField(url, field: field, expected: "a list of integers", found: value.summary)
        }
        var result: [Int] = []
        for element in elements { result.append(try integer(element, field: field)) }
        return result
    }

    /// A field that diffusers accepts either as one integer shared by all `count` blocks or as a list
    /// with one integer per block (`attention_head_dim`, `transformer_layers_per_block`, …).
    public func integers(_ field: String, broadcastTo count: Int, default defaultValue: Int? = nil) throws(ModelError) -> [Int] {
        guard let value = value(field) else {
            guard let defaultValue else { throw .missingField(url, field: field) }
            return Array(repeating: defaultValue, count: count)
        }
        if case .array = value {
            let result = try integers(field)
            guard result.count == count else {
                throw .invalidField(url, field: field, expected: "one integer or a list of \(count)", found: value.summary)
            }
            return result
        }
        return Array(repeating: try integer(value, field: field), count: count)
    }

    /// A numeric field; `defaultValue` is used when it is absent.
    public func number(_ field: String, default defaultValue: Double? = nil) throws(ModelError) -> Double {
        guard let value = value(field) else {
            guard let defaultValue else { throw .missingField(url, field: field) }
            return defaultValue
        }
        guard case .number(let number) = value else {
            throw .invalidField(url, field: field, expected: "a number", found: value.summary)
        }
        return number
    }

    /// A boolean field; `defaultValue` is used when it is absent.
    public func boolean(_ field: String, default defaultValue: Bool? = nil) throws(ModelError) -> Bool {
        guard let value = value(field) else {
            guard let defaultValue else { throw .missingField(url, field: field) }
            return defaultValue
        }
        guard case .bool(let flag) = value else {
            throw .invalidField(url, field: field, expected: "true or false", found: value.summary)
        }
        return flag
    }

    /// A string field; `defaultValue` is used when it is absent.
    public func string(_ field: String, default defaultValue: String? = nil) throws(ModelError) -> String {
        guard let value = value(field) else {
            guard let defaultValue else { throw .missingField(url, field: field) }
            return defaultValue
        }
        guard case .string(let text) = value else {
            throw .invalidField(url, field: field, expected: "a string", found: value.summary)
        }
        return text
    }

    /// A list of strings; `defaultValue` is used when the field is absent.
    public func strings(_ field: String, default defaultValue: [String]? = nil) throws(ModelError) -> [String] {
        guard let value = value(field) else {
            guard let defaultValue else { throw .missingField(url, field: field) }
            return defaultValue
        }
        guard case .array(let elements) = value else {
            throw .invalidField(url, field: field, expected: "a list of strings", found: value.summary)
        }
        var result: [String] = []
        for element in elements {
            guard case .string(let text) = element else {
                throw .invalidField(url, field: field, expected: "a list of strings", found: value.summary)
            }
            result.append(text)
        }
        return result
    }

    /// The error for a field whose value is valid but not supported here.
    public func unsupported(_ field: String, reason: String) -> ModelError {
        .unsupported(url, field: field, value: value(field)?.summary ?? "null", reason: reason)
    }

    private func integer(_ value: JSONValue, field: String) throws(ModelError) -> Int {
        guard case .number(let number) = value, number.rounded() == number, abs(number) < 1e15 else {
            throw .invalidField(url, field: field, expected: "an integer", found: value.summary)
        }
        return Int(number)
    }

    private static func describe(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return String(describing: error) }
        switch decodingError {
        case .dataCorrupted(let context): return context.underlyingError.map { String(describing: $0) } ?? context.debugDescription
        default: return String(describing: decodingError)
        }
    }
}
