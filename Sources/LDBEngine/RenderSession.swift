import Foundation
import LDBDiffusion
import LDBDocument
import LDBImage
import LDBTensor

/// One request to the engine: the HEAD state read once, the caches looked up and filled, the text embeddings
/// computed so far, and the counters that become `RenderStats`.
final class RenderSession {
    let project: Project
    let pipeline: StableDiffusionPipeline
    let keys: CacheKeys
    let settings: ProjectSettings
    let layers: [Layer]
    let baseKey: String
    /// `[1, 4, h, w]`.
    let latentShape: [Int]
    var stats = RenderStats()

    private let progress: EngineProgress?
    private let isCancelled: @Sendable () -> Bool
    private var embeddings: [String: Tensor] = [:]
    private let evaluationsAtStart: UNetEvaluations

    init(engine: Engine, progress: EngineProgress? = nil, isCancelled: @escaping @Sendable () -> Bool = { false }) throws {
        project = engine.project
        pipeline = engine.pipeline
        keys = engine.keys
        let state = try project.state()
        try state.validate()
        settings = state.settings
        layers = state.layers
        baseKey = keys.base(settings)
        latentShape = try pipeline.latentShape(width: settings.width, height: settings.height)
        self.progress = progress
        self.isCancelled = isCancelled
        evaluationsAtStart = pipeline.evaluations
    }

    var visibleLayers: [Layer] { layers.filter(\.visible) }

    /// N.
    private var steps: Int { settings.steps }
    /// b = N − B, the step at which layers are composited.
    private var blendIndex: Int { settings.steps - settings.blendSteps }

    // MARK: Render

    /// The full render of the HEAD state (LDB.md, "Composite and finish"), with the render cache in front.
    func render(keepBackground: Bool) throws -> RenderResult {
        let visible = visibleLayers
        let layerKeys = visible.map { keys.layer($0, baseKey: baseKey, blendSteps: settings.blendSteps) }
        let renderKey = keys.render(baseKey: baseKey, settings: settings, layerKeys: layerKeys,
                                    keepBackground: keepBackground)
        let cached = try timed("store") {
            try lookup(.render, renderKey, parse: { entry -> (image: RGBImage, latent: Tensor)? in
                guard entry.tensors.count == 1, entry.tensors[0].shape == latentShape,
                      let picture = image(entry.png)
                else { return nil }
                return (picture, entry.tensors[0])
            })
        }
        if let cached {
            return finished(image: cached.image, latent: cached.latent)
        }

        let trajectory = try timed("base") { try baseTrajectory() }
        let latent: Tensor
        if visible.isEmpty {
            // LDB.md: with no visible layer the result is Z[N] itself, not a re-run of the last B steps.
            latent = trajectory[steps]
        } else {
            let composite = try timed("layers") { try self.composite(of: visible, trajectory: trajectory) }
            latent = try timed("finish") {
                try denoise(composite, steps: blendIndex..<steps, prompt: settings.prompt,
                            negativePrompt: settings.negativePrompt, guidance: settings.guidance, stage: "finish")
            }
        }
        var picture = try timed("decode") { try decode(latent) }
        if keepBackground {
            picture = try timed("decode") { try keepingBackground(picture, visible: visible, trajectory: trajectory) }
        }
        try timed("store") {
            try project.storeCache(.render, key: renderKey,
                                   data: CacheEntry(tensors: [latent], png: picture.pngData()).encoded())
        }
        return finished(image: picture, latent: latent)
    }

    private func finished(image: RGBImage, latent: Tensor) -> RenderResult {
        let work = pipeline.evaluations - evaluationsAtStart
        stats.unetCalls = work.calls
        stats.unetSamples = work.samples
        return RenderResult(image: image, latent: latent, stats: stats)
    }

    // MARK: Base trajectory

    /// Z[0...N], from the cache or computed and cached: generated from the seed, or the reversed DDIM
    /// inversion of the source image.
    func baseTrajectory() throws -> [Tensor] {
        let count = steps + 1
        if let cached = try lookup(.baseTrajectory, baseKey, parse: { entry in
            entry.tensors.count == count && entry.tensors.allSatisfy { $0.shape == latentShape } ? entry.tensors : nil
        }) {
            return cached
        }
        let trajectory: [Tensor]
        if let sourceSHA256 = settings.sourceImageSHA256 {
            trajectory = try invertedTrajectory(source: try sourceImage(sourceSHA256))
        } else {
            let scheduler = try DDIMScheduler(config: pipeline.schedulerConfig, stepCount: steps)
            let start = randn(latentShape, seed: settings.seed ?? 0) * scheduler.initNoiseSigma
            var latents = [start]
            _ = try denoise(start, steps: 0..<steps, prompt: settings.prompt, negativePrompt: settings.negativePrompt,
                            guidance: settings.guidance, stage: "base") { latents.append($0) }
            trajectory = latents
        }
        try project.storeCache(.baseTrajectory, key: baseKey, data: CacheEntry(tensors: trajectory).encoded())
        return trajectory
    }

    /// DDIM inversion without guidance on the base prompt (LDB.md), as Z[i] = X[N − i].
    private func invertedTrajectory(source: RGBImage) throws -> [Tensor] {
        let pixels = Tensor(shape: [1, 3, settings.height, settings.width], scalars: source.tensorValues())
        var latent = try pipeline.encode(image: pixels)
        stats.vaeEncodes += 1
        let scheduler = try DDIMInverseScheduler(config: pipeline.schedulerConfig, stepCount: steps)
        let conditional = try textEmbeddings(settings.prompt)
        var inverted = [latent]
        for (completed, timestep) in scheduler.timesteps.enumerated() {
            try checkCancelled()
            let prediction = try pipeline.noisePrediction(latent: latent, timestep: timestep, conditional: conditional,
                                                          unconditional: nil, guidance: 1)
            latent = try scheduler.step(output: prediction, timestep: timestep, sample: latent)
            inverted.append(latent)
            progress?("inversion", completed + 1, scheduler.timesteps.count)
        }
        return inverted.reversed()
    }

    /// The real-image project's source picture, which must have the project's size.
    private func sourceImage(_ sha256: String) throws -> RGBImage {
        let image = try RGBImage(pngData: project.blob(sha256))
        guard image.width == settings.width, image.height == settings.height else {
            throw EngineError.sourceImageSizeMismatch(width: image.width, height: image.height,
                                                      expectedWidth: settings.width, expectedHeight: settings.height)
        }
        return image
    }

    // MARK: Layers

    /// The layer's mask as the user drew it, inverted when the layer says so: the pixels it edits.
    func editMask(for layer: Layer) throws -> Mask {
        let bytes = try project.blob(layer.maskSHA256)
        let expected = settings.width * settings.height
        guard bytes.count == expected else {
            throw EngineError.maskSizeMismatch(layer: layer.name, expected: expected, actual: bytes.count)
        }
        let mask = try Mask(width: settings.width, height: settings.height, bytes: [UInt8](bytes))
        return layer.invert ? mask.inverted() : mask
    }

    func latentMask(for layer: Layer) throws -> LatentMask {
        try LatentMask(layer: layer, edit: editMask(for: layer), latentFactor: pipeline.latentFactor)
    }

    /// C = Z[b], then C = m_k R_k + (1 − m_k) C for each layer, bottom to top.
    func composite(of layers: [Layer], trajectory: [Tensor]) throws -> Tensor {
        var composite = trajectory[blendIndex]
        for layer in layers {
            let mask = try latentMask(for: layer)
            composite = try mask.blend(layerResult(layer, mask: mask, trajectory: trajectory), over: composite)
        }
        return composite
    }

    /// R_k from the cache, or Zhat = Z[s] + alpha eps' m denoised from s = N − n to b with the layer's prompts.
    func layerResult(_ layer: Layer, mask: LatentMask, trajectory: [Tensor]) throws -> Tensor {
        let key = keys.layer(layer, baseKey: baseKey, blendSteps: settings.blendSteps)
        if let cached = try lookup(.layerResult, key, parse: { entry in
            entry.tensors.count == 1 && entry.tensors[0].shape == latentShape ? entry.tensors[0] : nil
        }) {
            return cached
        }
        let start = steps - layer.regenSteps
        let noisy = try mask.addingNoise(randn(latentShape, seed: layer.seed), strength: layer.strength,
                                         to: trajectory[start])
        let result = try denoise(noisy, steps: start..<blendIndex, prompt: layer.prompt,
                                 negativePrompt: layer.negativePrompt, guidance: layer.guidance,
                                 stage: "layer \(layer.name)")
        try project.storeCache(.layerResult, key: key, data: CacheEntry(tensors: [result]).encoded())
        return result
    }

    // MARK: Pixels

    private func decode(_ latent: Tensor) throws -> RGBImage {
        let pixels = try pipeline.decode(latent: latent)
        stats.vaeDecodes += 1
        progress?("decode", stats.vaeDecodes, stats.vaeDecodes)
        return try RGBImage(width: settings.width, height: settings.height, tensorValues: pixels.scalars)
    }

    /// `rendered` with the base image's pixels outside the visible layers' (dilated, feathered) masks.
    private func keepingBackground(_ rendered: RGBImage, visible: [Layer], trajectory: [Tensor]) throws -> RGBImage {
        if visible.isEmpty, settings.sourceImageSHA256 == nil {
            // The render is decode(Z[N]), which is already the background.
            return rendered
        }
        let weight = try BackgroundKeeping.renderedWeight(
            editMasks: visible.map(editMask(for:)), width: settings.width, height: settings.height,
            radius: pipeline.latentFactor)
        return try BackgroundKeeping.blend(rendered: rendered, background: backgroundImage(trajectory: trajectory),
                                           weight: weight)
    }

    /// The source image of a real-image project; decode(Z[N]) of a generated one, cached.
    private func backgroundImage(trajectory: [Tensor]) throws -> RGBImage {
        if let sourceSHA256 = settings.sourceImageSHA256 { return try sourceImage(sourceSHA256) }
        let key = keys.baseImage(baseKey: baseKey)
        if let cached = try lookup(.render, key, parse: { image($0.png) }) {
            return cached
        }
        let picture = try decode(trajectory[steps])
        try project.storeCache(.render, key: key, data: CacheEntry(tensors: [], png: picture.pngData()).encoded())
        return picture
    }

    /// The picture in `png` when it decodes and has the project's size.
    private func image(_ png: Data) -> RGBImage? {
        guard let picture = try? RGBImage(pngData: png),
              picture.width == settings.width, picture.height == settings.height
        else { return nil }
        return picture
    }

    // MARK: Steps, embeddings, caches

    /// Runs the DDIM steps `steps` of the N-step schedule from `latent`, one UNet step at a time so that
    /// cancellation is checked between steps, handing each new latent to `record`.
    private func denoise(_ latent: Tensor, steps range: Range<Int>, prompt: String, negativePrompt: String,
                         guidance: Double, stage: String, record: (Tensor) -> Void = { _ in }) throws -> Tensor {
        let conditional = try textEmbeddings(prompt)
        let unconditional = guidance > 1 ? try textEmbeddings(negativePrompt) : nil
        var latent = latent
        for (completed, index) in range.enumerated() {
            try checkCancelled()
            latent = try pipeline.denoise(latent: latent, steps: index..<(index + 1), totalSteps: steps,
                                          conditional: conditional, unconditional: unconditional, guidance: guidance)
            record(latent)
            progress?(stage, completed + 1, range.count)
        }
        return latent
    }

    /// The prompt's text embeddings, computed once per session.
    private func textEmbeddings(_ prompt: String) throws -> Tensor {
        if let known = embeddings[prompt] { return known }
        let computed = try pipeline.textEmbeddings(prompt)
        embeddings[prompt] = computed
        return computed
    }

    private func checkCancelled() throws {
        if isCancelled() { throw EngineError.cancelled }
    }

    /// The value `parse` makes of the entry cached under `key`, counted as a hit; nil, counted as a miss, when
    /// there is no entry or it is not what this engine writes (so it is recomputed and overwritten).
    private func lookup<Value>(_ kind: CacheKind, _ key: String, parse: (CacheEntry) -> Value?) throws -> Value? {
        let value = try project.cachedData(kind, key: key).flatMap(CacheEntry.init(data:)).flatMap(parse)
        stats.recordLookup(kind, hit: value != nil)
        return value
    }

    private func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now()
        defer { stats.addTime(Engine.seconds(since: start), to: stage) }
        return try body()
    }
}
