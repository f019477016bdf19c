/// What stops `engine-benchmark`.
enum BenchmarkError: Error, CustomStringConvertible {
    case missingModel
    case missingValue(option: String)
    case invalidValue(option: String, value: String, expected: String)
    case unknownOption(String)
    /// The project has no layer at `index` (a scenario needs more layers).
    case missingLayer(index: Int)

    var description: String {
        switch self {
        case .missingModel: "missing --model DIR"
        case .missingValue(let option): "\(option) needs a value"
        case .invalidValue(let option, let value, let expected): "\(option) \(value): expected \(expected)"
        case .unknownOption(let name): "unknown argument '\(name)'"
        case .missingLayer(let index): "the project has no layer at index \(index)"
        }
    }
}
