import ArgumentParser
import Foundation
import LDBDiffusion
import LDBDocument

extension ModelCommand {
    /// `ldb model inspect`: what a model is, read from its configs and safetensors headers.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a model's family, prediction type, sizes, parameter counts, dtypes and fingerprint.")

        @Argument(help: ArgumentHelp(
            "A diffusers model folder, a single-file .safetensors checkpoint, or a Hugging Face id in the local cache "
                + "(or give it with --model).", valueName: "model"))
        var positionalModel: String?

        @OptionGroup var options: ModelOptions
        @OptionGroup var output: JSONFlag

        func validate() throws {
            switch (positionalModel, options.model) {
            case (nil, nil): throw ValidationError("Give the model: ldb model inspect MODEL.")
            case (.some, .some): throw ValidationError("Give the model once: as MODEL or with --model, not both.")
            default: break
            }
        }

        func run() throws {
            var model = options
            model.model = positionalModel ?? options.model
            let location = try model.location()
            let source = try model.open()
            let scheduler = try source.schedulerConfig
            let components = try source.componentSummaries(variant: model.variant)
            let report = ModelInspectJSON(
                location: location.url.path,
                kind: { if case .singleFile = location { "single-file checkpoint" } else { "diffusers folder" } }(),
                family: source.family,
                predictionType: scheduler.predictionType.rawValue,
                timestepSpacing: scheduler.timestepSpacing.rawValue,
                fingerprint: try ModelReference.fingerprint(of: location.url),
                components: components.map {
                    .init(name: $0.name, parameters: $0.parameterCount, dtypes: $0.dtypes, bytes: $0.byteCount)
                })
            if output.json {
                try printJSON(report)
                return
            }
            print("model        \(report.location) (\(report.kind))")
            print("family       \(report.family)")
            print("prediction   \(report.predictionType), \(report.timestepSpacing) timestep spacing")
            print("fingerprint  \(report.fingerprint)")
            for component in report.components {
                let size = ByteCountFormatter.string(fromByteCount: Int64(component.bytes), countStyle: .file)
                let count = String(format: "%.1fM", Double(component.parameters) / 1e6)
                print("\(component.name.padding(toLength: 13, withPad: " ", startingAt: 0))\(count) parameters, "
                      + "\(component.dtypes.joined(separator: "/")), \(size)")
            }
        }
    }
}

/// `ldb model inspect --json`.
struct ModelInspectJSON: Encodable {
    struct Component: Encodable {
        var name: String
        var parameters: Int
        var dtypes: [String]
        var bytes: Int
    }

    var location: String, kind: String, family: String
    var predictionType: String, timestepSpacing: String
    var fingerprint: String
    var components: [Component]

    enum CodingKeys: String, CodingKey {
        case location, kind, family, predictionType = "prediction_type", timestepSpacing = "timestep_spacing"
        case fingerprint, components
    }
}
