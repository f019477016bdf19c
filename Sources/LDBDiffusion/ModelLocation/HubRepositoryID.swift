/// The id of a model repository on the Hugging Face Hub, `ORG/NAME` (`stabilityai/sd-turbo`).
///
/// The rules are huggingface_hub's `validate_repo_id`: each part has 1 to 96 characters among letters, digits,
/// `-`, `_` and `.`, starts and ends with a letter, digit or `_`, and `--`, `..` and a final `.git` are
/// forbidden. Stable Diffusion repositories always have a namespace, so exactly one `/` is required.
public struct HubRepositoryID: Hashable, Sendable, CustomStringConvertible {
    /// The user or organisation (`stabilityai`).
    public let namespace: String
    /// The repository's name (`sd-turbo`).
    public let name: String

    /// Parses `ORG/NAME`; `nil` when `text` is not a valid id.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy(Self.isValidPart),
              !text.contains("--"), !text.contains(".."), !text.hasSuffix(".git") else { return nil }
        namespace = String(parts[0])
        name = String(parts[1])
    }

    /// Parses the name of a repository's folder in the cache (`models--ORG--NAME`); `nil` for any other name.
    init?(cacheFolderName: String) {
        let parts = cacheFolderName.components(separatedBy: "--")
        guard parts.count == 3, parts[0] == "models" else { return nil }
        self.init("\(parts[1])/\(parts[2])")
    }

    /// `ORG/NAME`.
    public var description: String {
        "\(namespace)/\(name)"
    }

    /// The repository's folder in the cache, `models--ORG--NAME` (huggingface_hub's `repo_folder_name`).
    public var cacheFolderName: String {
        "models--\(namespace)--\(name)"
    }

    private static func isValidPart(_ part: Substring) -> Bool {
        guard (1...96).contains(part.count), let first = part.first, let last = part.last,
              isWordCharacter(first), isWordCharacter(last) else { return false }
        return part.allSatisfy { isWordCharacter($0) || $0 == "-" || $0 == "." }
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_")
    }
}
