import Foundation

/// The expansions Python's `os.path.expanduser` and `os.path.expandvars` apply, which huggingface_hub applies to
/// the cache locations it reads from the environment; here they read `environment` rather than the process's.
enum PathExpansion {
    /// `~` and a leading `~/` become `$HOME` (or the user's home folder when `HOME` is not set).
    static func expandingUser(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        return home + path.dropFirst()
    }

    /// `$NAME` and `${NAME}` become the variable's value; names not in `environment` are left as they are.
    static func expandingVariables(_ path: String, environment: [String: String]) -> String {
        var result = ""
        var rest = Substring(path)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let afterDollar = rest.index(after: dollar)
            let name: Substring
            let end: Substring.Index
            if afterDollar < rest.endIndex, rest[afterDollar] == "{",
               let close = rest[afterDollar...].firstIndex(of: "}") {
                name = rest[rest.index(after: afterDollar)..<close]
                end = rest.index(after: close)
            } else {
                end = rest[afterDollar...].firstIndex { !isWordCharacter($0) } ?? rest.endIndex
                name = rest[afterDollar..<end]
            }
            if !name.isEmpty, let value = environment[String(name)] {
                result += value
            } else {
                result += rest[dollar..<end]
            }
            rest = rest[end...]
        }
        return result + rest
    }

    /// Both expansions, user first, as huggingface_hub does.
    static func expanding(_ path: String, environment: [String: String]) -> String {
        expandingVariables(expandingUser(path, environment: environment), environment: environment)
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_")
    }
}
