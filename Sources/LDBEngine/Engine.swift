import Foundation
import LDBDiffusion
import LDBDocument
import LDBImage
import LDBTensor

/// Renders a project with Layered Diffusion Brushes (docs/algorithm.md), computing only what its caches lack.
///
/// The base trajectory, every layer's result and every final render are stored in the project under content
/// keys (see `CacheKeys`), so a render that returns to a known state — after a toggle, a reorder, an undo or a
/// reopen — costs no UNet evaluation, an edited layer costs its own (n − B) steps plus the B finish steps,
/// and a changed model misses every entry made with the old one.
///
/// ```swift
/// let engine = try Engine.open(project: try Project.open(at: url))
/// let result = try engine.render()
/// try result.image.writePNG(to: output)
/// print(result.stats.report())
/// ```
///
/// One engine renders one request at a time; concurrent calls wait for each other.
public final class Engine: @unchecked Sendable {
    /// The document whose HEAD is rendered and whose caches are used.
    public let project: Project
    /// The model's networks and scheduler configuration, shared by every render: the native
    /// `StableDiffusionPipeline` when opened from the project's model, or any other `DiffusionBackend`.
    public let backend: any DiffusionBackend
    /// The model's files, variant, precision and backend: what the cache keys say about the model.
    public let identity: ModelIdentity
    /// The fingerprint of the model's files as they are now (`ModelReference.fingerprint(of:)`).
    public var modelFingerprint: String { identity.fingerprint }

    let keys: CacheKeys
    /// The embeddings of the prompts used lately (renders hold the lock while they use it).
    let textEmbeddings = TextEmbeddingCache(capacity: 32)
    private let lock = NSLock()
    /// Time spent loading the model, reported by the first render.
    private var pendingModelLoadSeconds: Double
    private var byteLimit = 1 << 30

    /// Loads the project's model — a folder, a single-file checkpoint or a Hugging Face cache id — and
    /// fingerprints its files as they are now.
    ///
    /// When the fingerprint differs from the one the project recorded (`modelChanged`), rendering still works,
    /// but no cache entry made with the old files is hit: every key includes the fingerprint.
    /// - Parameters:
    ///   - variant: a weights variant such as `"fp16"`; it is part of every cache key too.
    ///   - weightPrecision: how the networks keep their weights in memory (`.float16`: about half the memory,
    ///     computed in float32). Half precision gives other numbers, so it is part of every cache key too.
    ///   - registry: where loaded models are shared between projects; nil loads the model for this engine alone.
    /// - Throws: `EngineError.modelNotFound` when the location names nothing here, or the model's own errors.
    public static func open(project: Project, variant: String? = nil, weightPrecision: WeightPrecision = .float32,
                            registry: ModelRegistry? = nil) throws -> Engine {
        let reference = try project.model()
        let location: ModelLocation
        do {
            location = try ModelLocation.resolve(reference.location)
        } catch .noSuchPath {
            throw EngineError.modelNotFound(location: reference.location)
        }
        let prediction = try reference.predictionType.map { name in
            guard let type = SchedulerConfig.PredictionType(rawValue: name) else {
                throw EngineError.unknownPredictionType(name)
            }
            return type
        }
        let found = try load(location, prediction: prediction, variant: variant, precision: weightPrecision,
                             registry: registry)
        return Engine(project: project, backend: found.entry.pipeline, identity: found.entry.identity,
                      modelLoadSeconds: found.loaded ? found.entry.loadSeconds : 0)
    }

    private static func load(_ location: ModelLocation, prediction: SchedulerConfig.PredictionType?, variant: String?,
                             precision: WeightPrecision,
                             registry: ModelRegistry?) throws -> (entry: ModelRegistry.Entry, loaded: Bool) {
        let models = registry ?? ModelRegistry()
        return try models.model(at: location, prediction: prediction, variant: variant, precision: precision)
    }

    /// An engine for `project` with an already loaded `pipeline` whose files have `modelFingerprint` and whose
    /// networks keep their weights at `weightPrecision`.
    public convenience init(project: Project, pipeline: StableDiffusionPipeline, modelFingerprint: String,
                            weightPrecision: WeightPrecision = .float32) {
        self.init(project: project, backend: pipeline,
                  identity: ModelIdentity(fingerprint: modelFingerprint, precision: weightPrecision),
                  modelLoadSeconds: 0)
    }

    /// An engine for `project` on `backend`, whose numbers `identity` names in every cache key: give another
    /// backend (or the same files at another precision) an identity of its own, so that it never serves or
    /// overwrites what another one computed.
    public init(project: Project, backend: any DiffusionBackend, identity: ModelIdentity,
                modelLoadSeconds: Double = 0) {
        self.project = project
        self.backend = backend
        self.identity = identity
        self.keys = CacheKeys(identity: identity, scheduler: backend.schedulerConfig)
        self.pendingModelLoadSeconds = modelLoadSeconds
    }

    /// Whether the model's files differ from those the project recorded (or the record cannot be read).
    public var modelChanged: Bool {
        (try? project.model().fingerprint) != modelFingerprint
    }

    /// The most bytes the project's caches may hold; least recently used entries are dropped after each render.
    /// Default 1 GiB.
    public var cacheByteLimit: Int {
        get { lock.withLock { byteLimit } }
        set { lock.withLock { byteLimit = newValue } }
    }

    /// Renders the project at HEAD.
    ///
    /// Looks up the final render first; on a miss, fetches or computes the base trajectory, each visible layer's
    /// result, composites them at step b = N − B, runs the B finish steps and decodes. Every value computed is
    /// cached in its own write as soon as it is done, so a cancelled render keeps what finished. Then the caches
    /// are trimmed to `cacheByteLimit`.
    /// - Parameters:
    ///   - keepBackground: keep the base pixels outside the layers' masks; nil uses the project's setting.
    ///   - progress: called after each step of each stage.
    ///   - isCancelled: checked before each UNet step.
    /// - Throws: `EngineError.cancelled`, or the document's, the model's or the image code's errors.
    public func render(keepBackground: Bool? = nil, progress: EngineProgress? = nil,
                       isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> RenderResult {
        try render(state: nil, keepBackground: keepBackground, progress: progress, isCancelled: isCancelled)
    }

    /// Renders `state` — HEAD when nil, or a state not committed (a layer being edited) — computing and caching
    /// like any render, without writing a revision.
    /// - Parameters:
    ///   - state: the settings and layers to render.
    ///   - masks: the bytes of masks `state` refers to that the project does not hold yet (a stroke being drawn).
    ///   - keepBackground: keep the base pixels outside the layers' masks; nil uses the state's setting.
    ///   - region: full or crop mode and its margin for this render; nil uses the state's setting.
    ///   - progress: called after each step of each stage, with the latent it made.
    ///   - previewDecoder: decodes each step's latent into `RenderProgress.preview` (a tiny autoencoder, or the
    ///     model's own VAE); the previews are not part of the render's statistics and never cached.
    ///   - finalDecoder: decodes the final picture instead of the VAE (a preview, cached under its own keys).
    ///   - isCancelled: checked before each UNet step.
    /// - Throws: `EngineError.cancelled`, or the document's, the model's or the image code's errors.
    public func render(state: ProjectState?, masks: [Data] = [], keepBackground: Bool? = nil,
                       region: RegionSetting? = nil, progress: EngineProgress? = nil,
                       previewDecoder: (any LatentCoding)? = nil, finalDecoder: PreviewDecoder? = nil,
                       isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> RenderResult {
        try lock.withLock {
            let state = try state ?? project.state()
            let session = try RenderSession(engine: self, state: state, masks: masks, region: region,
                                            progress: progress, previewDecoder: previewDecoder,
                                            finalDecoder: finalDecoder, isCancelled: isCancelled)
            session.stats.addTime(pendingModelLoadSeconds, to: RenderStage.modelLoad.rawValue)
            pendingModelLoadSeconds = 0
            let result = try session.render(keepBackground: keepBackground ?? session.settings.keepBackground)
            let trimStart = DispatchTime.now()
            try project.trimCaches(toBytes: byteLimit)
            var stats = result.stats
            stats.addTime(Self.seconds(since: trimStart), to: RenderStage.store.rawValue)
            return RenderResult(image: result.image, latent: result.latent, stats: stats)
        }
    }

    /// The base trajectory Z[0...N] of the project at HEAD, from the cache or computed (and then cached).
    public func baseTrajectory() throws -> [Tensor] {
        try lock.withLock { try session().baseTrajectory() }
    }

    /// The latent mask m of `layer` (its mask blob, inverted, feathered, weighted by opacity and averaged down).
    public func latentMask(for layer: Layer) throws -> LatentMask {
        try lock.withLock { try session().latentMask(for: layer) }
    }

    /// The result R_k of `layer` on the project's base at HEAD, in the project's region mode: the latent at
    /// step b = N − B, from the cache or computed (and then cached). Its visibility and position do not matter.
    public func layerResult(_ layer: Layer) throws -> Tensor {
        try lock.withLock {
            let session = try session()
            return try session.layerResult(layer, mask: session.latentMask(for: layer),
                                           trajectory: session.baseTrajectory())
        }
    }

    /// The composite C at step b = N − B of the visible layers at HEAD, before the finish steps: Z[b] with each
    /// visible layer's result laid over it, bottom to top.
    public func composite() throws -> Tensor {
        try lock.withLock {
            let session = try session()
            return try session.composite(of: session.visibleLayers, trajectory: session.baseTrajectory())
        }
    }

    /// A session on the project at HEAD.
    private func session() throws -> RenderSession {
        try RenderSession(engine: self, state: project.state())
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
