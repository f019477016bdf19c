/// A parsed JSON value, keeping the distinction between booleans, numbers and strings that configuration
/// fields need (Foundation's `JSONSerialization` blurs booleans and numbers on Linux).
public enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The value as written in JSON, shortened, for error messages.
    var summary: String {
        let text: String
        switch self {
        case .null: text = "null"
        case .bool(let value): text = String(value)
        case .number(let value): text = value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .string(let value): text = "\"\(value)\""
        case .array(let values): text = "[" + values.map(\.summary).joined(separator: ", ") + "]"
        case .object(let fields): text = "{" + fields.keys.sorted().joined(separator: ", ") + "}"
        }
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }
}
