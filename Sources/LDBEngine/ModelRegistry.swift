import Foundation
import LDBDiffusion
import LDBDocument

/// Loaded models shared by the projects open at the same time: two projects on the same model files, variant
/// and precision render with one copy of the weights. Pass one registry to every `Engine.open`.
///
/// A model stays loaded until `unload(_:)` or `unloadAll()`; `heldBytes` says what the loaded weights occupy.
public final class ModelRegistry: @unchecked Sendable {
    /// One loaded model: the pipeline, its identity and what loading it cost.
    public struct Entry: Sendable {
        public let pipeline: StableDiffusionPipeline
        public let identity: ModelIdentity
        /// The bytes the networks' weights occupy in memory.
        public let bytes: Int
        /// Seconds spent loading it.
        public let loadSeconds: Double
    }

    private struct Key: Hashable {
        var path: String
        var identity: ModelIdentity
        var prediction: SchedulerConfig.PredictionType?
    }

    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]

    public init() {}

    /// The identities of the models loaded now.
    public var loaded: [ModelIdentity] {
        lock.withLock { entries.values.map(\.identity) }
    }

    /// The bytes the loaded models' weights occupy, all together.
    public var heldBytes: Int {
        lock.withLock { entries.values.reduce(0) { $0 + $1.bytes } }
    }

    /// The model at `location` (its files fingerprinted now), loaded unless an equal one is loaded already.
    /// - Returns: the entry, and whether it was loaded by this call.
    func model(at location: ModelLocation, prediction: SchedulerConfig.PredictionType?, variant: String?,
               precision: WeightPrecision) throws -> (entry: Entry, loaded: Bool) {
        let identity = ModelIdentity(fingerprint: try ModelReference.fingerprint(of: location.url), variant: variant,
                                     precision: precision)
        let key = Key(path: location.url.standardizedFileURL.path, identity: identity, prediction: prediction)
        lock.lock()
        defer { lock.unlock() }
        if let known = entries[key] { return (known, false) }
        let start = DispatchTime.now()
        let pipeline = try StableDiffusionModel(location: location, prediction: prediction)
            .pipeline(variant: variant, precision: precision)
        let entry = Entry(pipeline: pipeline, identity: identity, bytes: pipeline.parameterByteCount,
                          loadSeconds: Engine.seconds(since: start))
        entries[key] = entry
        return (entry, true)
    }

    /// Forgets the models with `identity`; their memory is freed when no engine holds them any more.
    public func unload(_ identity: ModelIdentity) {
        lock.withLock {
            for key in entries.keys where key.identity == identity { entries[key] = nil }
        }
    }

    /// Forgets every model.
    public func unloadAll() {
        lock.withLock { entries.removeAll() }
    }
}
