import Foundation
import LDBTensor

extension StableDiffusionModel {
    /// What `ldb model inspect` shows of one network: its weights as stored, without loading them.
    public struct ComponentSummary: Sendable, Equatable {
        /// `text_encoder`, `unet` or `vae`.
        public var name: String
        /// Elements over all of the component's tensors.
        public var parameterCount: Int
        /// The stored types, such as `["F16"]`.
        public var dtypes: [String]
        /// Bytes of the tensors as stored.
        public var byteCount: Int
    }

    /// The family, `SD 1.x` (quick-GELU CLIP) or `SD 2.x` (GELU OpenCLIP).
    public var family: String {
        switch storage {
        case .folder(let folder): folder.textEncoderConfiguration.activation == .quickGELU ? "SD 1.x" : "SD 2.x"
        case .checkpoint(let checkpoint): checkpoint.family.rawValue
        }
    }

    /// The scheduler settings the model ships (a folder's config, or SD's DDIM defaults for a checkpoint).
    public var schedulerConfig: SchedulerConfig {
        get throws {
            switch storage {
            case .folder(let folder): try SchedulerConfig(contentsOf: folder.schedulerConfigURL)
            case .checkpoint(let checkpoint): checkpoint.schedulerConfig
            }
        }
    }

    /// Each network's parameter count and stored types, read from the safetensors headers only.
    public func componentSummaries(variant: String? = nil) throws -> [ComponentSummary] {
        var summaries: [ComponentSummary] = []
        switch storage {
        case .folder(let folder):
            for component in ["text_encoder", "unet", "vae"] {
                var summary = ComponentSummary(name: component, parameterCount: 0, dtypes: [], byteCount: 0)
                // As the pipeline loads them: a component without the variant uses its default weights.
                let files = try (try? folder.weightFiles(component: component, variant: variant))
                    ?? folder.weightFiles(component: component)
                for url in files {
                    let file = try SafeTensorsFile(contentsOf: url)
                    for name in file.tensorNames { summary.add(try file.info(name)) }
                }
                summaries.append(summary)
            }
        case .checkpoint(let checkpoint):
            let file = try SafeTensorsFile(contentsOf: checkpoint.url)
            let prefixes = [("text_encoder", "cond_stage_model."), ("unet", "model.diffusion_model."),
                            ("vae", "first_stage_model.")]
            for (component, prefix) in prefixes {
                var summary = ComponentSummary(name: component, parameterCount: 0, dtypes: [], byteCount: 0)
                for name in file.tensorNames where name.hasPrefix(prefix) { summary.add(try file.info(name)) }
                summaries.append(summary)
            }
        }
        return summaries
    }
}

extension StableDiffusionModel.ComponentSummary {
    fileprivate mutating func add(_ info: SafeTensorsTensorInfo) {
        parameterCount += info.elementCount
        byteCount += info.byteRange.count
        if !dtypes.contains(info.dtype.rawValue) { dtypes.append(info.dtype.rawValue) }
    }
}
