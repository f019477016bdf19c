import Foundation

/// The command line of `engine-benchmark`.
///
///     engine-benchmark --model DIR [--size WxH] [--steps N] [--blend-steps B] [--layers L] [--regen-steps n]
///                      [--runs R] [--alternative measure|extrapolate] [--keep DIR]
struct BenchmarkOptions {
    /// A diffusers model folder (Stable Diffusion 1.x/2.x layout).
    var model: URL
    var width = 512
    var height = 512
    /// N.
    var steps = 20
    /// B.
    var blendSteps = 2
    /// How many layers the project starts with.
    var layers = 5
    /// Every layer's n.
    var regenSteps = 10
    /// Repetitions of each measured edit (medians are reported).
    var runs = 5
    /// How the alternative is timed.
    var alternative = AlternativeTiming.measure
    /// Where to keep the generated project; a temporary folder, removed at the end, when nil.
    var keep: URL?

    static let usage = """
        usage: engine-benchmark --model DIR [--size WxH] [--steps N] [--blend-steps B] [--layers L]
                                [--regen-steps n] [--runs R] [--alternative measure|extrapolate] [--keep DIR]
          --model        diffusers model folder (required)
          --size         image size (default 512x512)
          --steps        N, DDIM steps (default 20)
          --blend-steps  B (default 2)
          --layers       layers in the project before the edits (default 5)
          --regen-steps  n of every layer (default 10)
          --runs         repetitions of each edit, medians reported (default 5)
          --alternative  measure: run the full masked generation for every scenario (default);
                         extrapolate: run it once for one layer and scale by the number of visible layers
          --keep         keep the project in this folder instead of a temporary one
        """

    /// Parses `arguments` (without the program name).
    init(arguments: [String]) throws(BenchmarkError) {
        var model: URL?
        var index = arguments.startIndex
        func value(_ name: String) throws(BenchmarkError) -> String {
            let next = arguments.index(after: index)
            guard next < arguments.endIndex else { throw .missingValue(option: name) }
            index = next
            return arguments[next]
        }
        func integer(_ name: String, atLeast minimum: Int) throws(BenchmarkError) -> Int {
            let text = try value(name)
            guard let number = Int(text), number >= minimum else {
                throw .invalidValue(option: name, value: text, expected: "an integer of at least \(minimum)")
            }
            return number
        }
        while index < arguments.endIndex {
            let name = arguments[index]
            switch name {
            case "--model": model = URL(fileURLWithPath: try value(name)).standardizedFileURL
            case "--size":
                let text = try value(name)
                let sides = text.split(separator: "x").compactMap { Int($0) }
                guard sides.count == 2, sides.allSatisfy({ $0 > 0 }) else {
                    throw .invalidValue(option: name, value: text, expected: "WIDTHxHEIGHT, such as 512x512")
                }
                (width, height) = (sides[0], sides[1])
            case "--steps": steps = try integer(name, atLeast: 1)
            case "--blend-steps": blendSteps = try integer(name, atLeast: 0)
            case "--layers": layers = try integer(name, atLeast: 1)
            case "--regen-steps": regenSteps = try integer(name, atLeast: 1)
            case "--runs": runs = try integer(name, atLeast: 1)
            case "--alternative":
                let text = try value(name)
                guard let timing = AlternativeTiming(rawValue: text) else {
                    throw .invalidValue(option: name, value: text, expected: "measure or extrapolate")
                }
                alternative = timing
            case "--keep": keep = URL(fileURLWithPath: try value(name)).standardizedFileURL
            default: throw .unknownOption(name)
            }
            index = arguments.index(after: index)
        }
        guard let model else { throw .missingModel }
        self.model = model
        guard blendSteps < regenSteps, regenSteps <= steps else {
            throw .invalidValue(option: "--regen-steps", value: String(regenSteps),
                                expected: "B < n <= N (B = \(blendSteps), N = \(steps))")
        }
    }
}

/// How `engine-benchmark` times the alternative.
enum AlternativeTiming: String {
    /// Runs the full masked generation of every visible layer for each scenario.
    case measure
    /// Runs one layer's masked generation and one decode once; a scenario with k visible layers is estimated as
    /// k times the layer's time plus the decode's (the work is the same N guided steps per layer).
    case extrapolate
}
