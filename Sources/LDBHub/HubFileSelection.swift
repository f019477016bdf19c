/// The files of a diffusers repository that ldb needs, and only those: `model_index.json`, the scheduler's and
/// the tokenizer's files, the three networks' `config.json`, and one set of `.safetensors` weights per network
/// (never `.bin`, `.ckpt`, ONNX or Flax files, nor components such as the safety checker that ldb does not run).
///
/// Weights are chosen as `ModelFolder` loads them: with no variant, `model.safetensors` (or a sharded
/// `model.safetensors.index.json` and its shards), falling back to the `fp16` files when only those exist; with a
/// variant such as `fp16`, `model.fp16.safetensors`, falling back to the full-precision files for a network that
/// has no such variant.
public struct HubFileSelection: Sendable, Equatable {
    /// The repository paths to download, sorted.
    public let files: [String]
    /// Files a Stable Diffusion model must have that the repository lacks (empty when it is complete).
    public let missing: [String]

    /// The networks whose weights ldb loads.
    static let networks = ["text_encoder", "unet", "vae"]

    /// Chooses among `repositoryFiles`, the paths the revision API lists.
    public init(repositoryFiles: [String], variant: String? = nil) {
        let available = Set(repositoryFiles)
        var files: [String] = []
        var missing: [String] = []
        func require(_ path: String) {
            if available.contains(path) { files.append(path) } else { missing.append(path) }
        }

        require("model_index.json")
        require("scheduler/scheduler_config.json")
        files += repositoryFiles.filter {
            Self.isDirectChild($0, of: "scheduler") && $0.hasSuffix(".json") && $0 != "scheduler/scheduler_config.json"
        }
        require("tokenizer/vocab.json")
        require("tokenizer/merges.txt")
        files += repositoryFiles.filter {
            Self.isDirectChild($0, of: "tokenizer") && $0 != "tokenizer/vocab.json" && $0 != "tokenizer/merges.txt"
        }
        for network in Self.networks {
            require("\(network)/config.json")
            if let weights = Self.weights(of: network, in: repositoryFiles, available: available, variant: variant) {
                files += weights
            } else {
                missing.append("\(network)/\(network == "text_encoder" ? "model" : "diffusion_pytorch_model")"
                               + "\(variant.map { ".\($0)" } ?? "").safetensors")
            }
        }
        self.files = Array(Set(files)).sorted()
        self.missing = missing
    }

    /// The weight files of one network: a single file, or a shard index with its shards.
    private static func weights(of network: String, in paths: [String], available: Set<String>,
                                variant: String?) -> [String]? {
        let candidates: [String?] = variant.map { [$0, nil] } ?? [nil, "fp16"]
        for candidate in candidates {
            let suffix = candidate.map { ".\($0)" } ?? ""
            for base in ["diffusion_pytorch_model", "model"] {
                let single = "\(network)/\(base)\(suffix).safetensors"
                if available.contains(single) { return [single] }
                let index = "\(network)/\(base).safetensors.index\(suffix).json"
                let shardPrefix = "\(network)/\(base)\(suffix)-"
                let shards = paths.filter { $0.hasPrefix(shardPrefix) && isShardName($0.dropFirst(shardPrefix.count)) }
                if available.contains(index), !shards.isEmpty { return [index] + shards }
            }
        }
        return nil
    }

    /// Whether `name` is the end of a shard's file name, `00001-of-00002.safetensors`.
    private static func isShardName(_ name: Substring) -> Bool {
        let parts = name.split(separator: "-")
        guard parts.count == 3, parts[1] == "of", parts[2].hasSuffix(".safetensors") else { return false }
        let total = parts[2].dropLast(".safetensors".count)
        return [parts[0], total].allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    private static func isDirectChild(_ path: String, of folder: String) -> Bool {
        path.hasPrefix(folder + "/") && !path.dropFirst(folder.count + 1).contains("/")
    }
}
