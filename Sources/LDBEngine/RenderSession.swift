import Foundation
import LDBDiffusion
import LDBDocument
import LDBImage
import LDBTensor

/// One request to the engine: the state to render read once, the caches looked up and filled, the text
/// embeddings computed so far, and the counters that become `RenderStats`.
final class RenderSession {
    let project: Project
    /// The engine's backend, counting into this session's own counter (and the engine's).
    let pipeline: any DiffusionBackend
    let keys: CacheKeys
    let settings: ProjectSettings
    let layers: [Layer]
    let region: RegionSetting
    let baseKey: String
    /// The picture's size and the canvas the networks run on (docs/algorithm.md, "Image sizes and padding").
    let padding: ImagePadding
    /// `[1, 4, h, w]`, the canvas's latent.
    let latentShape: [Int]
    var stats = RenderStats()

    private let progress: EngineProgress?
    private let previewDecoder: (any LatentCoding)?
    /// Decodes the final picture instead of the VAE, when given.
    private let finalDecoder: PreviewDecoder?
    private let isCancelled: @Sendable () -> Bool
    private let embeddings: TextEmbeddingCache
    private var masks: [String: LatentMask] = [:]
    private var previewDecodes = (count: 0, pixels: 0)
    /// Mask bytes not in the project, by SHA-256 (hex).
    private let uncommittedBlobs: [String: Data]

    /// - Parameters:
    ///   - state: what to render; its layers need not be committed.
    ///   - masks: mask bytes that `state` refers to and the project does not hold.
    ///   - region: the region setting to render with; nil uses the state's.
    ///   - previewDecoder: decodes each step's latent for `progress`.
    init(engine: Engine, state: ProjectState, masks: [Data] = [], region: RegionSetting? = nil,
         progress: EngineProgress? = nil, previewDecoder: (any LatentCoding)? = nil,
         finalDecoder: PreviewDecoder? = nil, isCancelled: @escaping @Sendable () -> Bool = { false }) throws {
        project = engine.project
        pipeline = engine.backend.counting(into: UNetEvaluationCounter(parent: engine.backend.evaluationCounter))
        keys = engine.keys
        embeddings = engine.textEmbeddings
        try state.validate()
        settings = state.settings
        layers = state.layers
        self.region = region ?? RegionSetting(state.settings)
        guard (0...ProjectSettings.maximumRegionMargin).contains(self.region.margin) else {
            throw EngineError.invalidRegionMargin(self.region.margin, maximum: ProjectSettings.maximumRegionMargin)
        }
        baseKey = keys.base(settings)
        padding = ImagePadding(width: settings.width, height: settings.height, factor: pipeline.latentFactor)
        latentShape = try pipeline.latentShape(width: padding.canvasWidth, height: padding.canvasHeight)
        self.progress = progress
        self.previewDecoder = progress == nil ? nil : previewDecoder
        self.finalDecoder = finalDecoder
        self.isCancelled = isCancelled
        uncommittedBlobs = Dictionary(masks.map { (Project.blobSHA256($0), $0) }, uniquingKeysWith: { first, _ in first })
    }

    var visibleLayers: [Layer] { layers.filter(\.visible) }

    /// N.
    private var steps: Int { settings.steps }
    /// b = N − B, the step at which layers are composited.
    private var blendIndex: Int { settings.steps - settings.blendSteps }
    private var latentHeight: Int { latentShape[2] }
    private var latentWidth: Int { latentShape[3] }

    // MARK: Render

    /// The full render of the state (docs/algorithm.md, "Composite and finish" and "Region mode"), with the
    /// render cache in front.
    func render(keepBackground: Bool) throws -> RenderResult {
        let visible = visibleLayers
        let layerKeys = visible.map(layerKey)
        let renderKey = keys.render(baseKey: baseKey, settings: settings, layerKeys: layerKeys,
                                    keepBackground: keepBackground, region: region,
                                    previewDecoder: finalDecoder?.fingerprint)
        let cached = try timed(.store) {
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

        if let memory = pipeline.activationMemory(width: padding.canvasWidth, height: padding.canvasHeight) {
            try MemoryHeadroom.current().requireRoom(
                for: memory.renderBytes(width: padding.canvasWidth, height: padding.canvasHeight),
                reserving: memory.blasBuffers, width: settings.width, height: settings.height)
        }
        let trajectory = try timed(.base) { try baseTrajectory() }
        stats.layersSkipped = try visible.filter { try latentMask(for: $0).isEmpty }.count
        var (picture, latent) = try region.mode == .full
            ? fullRender(visible, trajectory: trajectory)
            : croppedRender(visible, trajectory: trajectory)
        if keepBackground {
            picture = try timed(.decode) { try keepingBackground(picture, visible: visible, trajectory: trajectory) }
        }
        try timed(.store) {
            try project.storeCache(.render, key: renderKey,
                                   data: CacheEntry(tensors: [latent], png: picture.pngData()).encoded())
        }
        return finished(image: picture, latent: latent)
    }

    /// Full mode: the B finish steps on the whole composite, one decode of the whole latent.
    private func fullRender(_ visible: [Layer], trajectory: [Tensor]) throws -> (RGBImage, Tensor) {
        let latent: Tensor
        if visible.isEmpty {
            // With no visible layer the result is Z[N] itself, not a re-run of the last B steps.
            latent = trajectory[steps]
        } else {
            let composite = try timed(.layers) { try self.composite(of: visible, trajectory: trajectory) }
            latent = try timed(.finish) {
                try checkedFinite(denoise(composite, steps: blendIndex..<steps, prompt: settings.prompt,
                                          negativePrompt: settings.negativePrompt, guidance: settings.guidance,
                                          stage: .finish), "the finished latent")
            }
        }
        let picture = try timed(.decode) {
            try RGBImage(width: settings.width, height: settings.height,
                         tensorValues: padding.cropped(decodeFinal(latent)).scalars)
        }
        return (picture, latent)
    }

    /// Region mode: the finish on the window U around the visible layers' cells S, laid onto Z[N] with the
    /// weight w, and the decoder on U alone, laid onto P0 with w upsampled.
    private func croppedRender(_ visible: [Layer], trajectory: [Tensor]) throws -> (RGBImage, Tensor) {
        let clean = trajectory[steps]
        var support = [Bool](repeating: false, count: latentHeight * latentWidth)
        for layer in visible {
            for (index, value) in try latentMask(for: layer).values.enumerated() where value > 0 { support[index] = true }
        }
        guard let window = LatentWindow.around(support: support, height: latentHeight, width: latentWidth,
                                               margin: region.margin, multiple: pipeline.unetSizeMultiple)
        else {
            // No visible layer, or none edits a cell: the result is Z[N].
            let picture = try timed(.decode) {
                try image(unitPixels: padding.cropped(basePixels(trajectory: trajectory)))
            }
            return (picture, clean)
        }
        let composite = try timed(.layers) { try self.composite(of: visible, trajectory: trajectory) }
        let weight = RegionBlend.weight(support: support, height: latentHeight, width: latentWidth,
                                        margin: region.margin)
        let latent = try timed(.finish) {
            let finished = try denoise(window.crop(composite), steps: blendIndex..<steps, prompt: settings.prompt,
                                       negativePrompt: settings.negativePrompt, guidance: settings.guidance,
                                       stage: .finish)
            return try checkedFinite(RegionBlend.blend(finished, over: clean, in: window, weight: weight),
                                     "the finished latent")
        }
        let picture = try timed(.decode) {
            let base = try basePixels(trajectory: trajectory)
            let windowPixels = try unit(decodeFinal(window.crop(latent)))
            let factor = pipeline.latentFactor
            let pixelWeight = RegionBlend.bilinear(weight, height: latentHeight, width: latentWidth,
                                                   outputHeight: padding.canvasHeight, outputWidth: padding.canvasWidth)
            return try image(unitPixels: padding.cropped(RegionBlend.blend(windowPixels, over: base, in: window,
                                                                           weight: pixelWeight, scale: factor)))
        }
        return (picture, latent)
    }

    private func finished(image: RGBImage, latent: Tensor) -> RenderResult {
        stats.record(pipeline.work)
        stats.vaeDecodes += previewDecodes.count
        stats.vaeDecodedPixels += previewDecodes.pixels
        return RenderResult(image: image, latent: latent, stats: stats)
    }

    // MARK: Base trajectory

    /// Z[0...N], from the cache or computed and cached: generated from the seed, or the reversed DDIM
    /// inversion of the source image. An interrupted computation caches the steps it finished, and the next one
    /// resumes from them.
    func baseTrajectory() throws -> [Tensor] {
        let count = steps + 1
        if let cached = try lookup(.baseTrajectory, baseKey, parse: { entry in
            entry.tensors.count == count && entry.tensors.allSatisfy { $0.shape == latentShape } ? entry.tensors : nil
        }) {
            return cached
        }
        let partialKey = keys.partialBase(baseKey: baseKey)
        let started = try project.cachedData(.baseTrajectory, key: partialKey).flatMap(CacheEntry.init(data:))
            .map(\.tensors).flatMap { $0.count < count && $0.allSatisfy { $0.shape == latentShape } ? $0 : nil }
        var latents: [Tensor]
        let isInversion = settings.sourceImageSHA256 != nil
        if let started, !started.isEmpty {
            latents = started
        } else if let sourceSHA256 = settings.sourceImageSHA256 {
            let source = try padding.reflected(sourceImage(sourceSHA256))
            latents = [try pipeline.encode(image: Tensor(shape: [1, 3, padding.canvasHeight, padding.canvasWidth],
                                                         scalars: source.tensorValues()))]
        } else {
            let scheduler = try pipeline.scheduler(steps: steps)
            latents = [randn(latentShape, seed: settings.seed ?? 0) * scheduler.initNoiseSigma]
        }
        do {
            let embedding = try textEmbeddings(settings.prompt)
            let remaining = (latents.count - 1)..<steps
            let onStep: (SamplingStep) throws -> Void = { [self] step in
                latents.append(step.latent)
                progress?(RenderProgress(stage: .base, item: isInversion ? "inversion" : nil,
                                         completed: step.index + 1, total: steps, latent: step.latent,
                                         preview: try preview(step.latent)))
                if step.index + 1 < steps { try checkCancelled() }
            }
            try checkCancelled()
            if isInversion {
                // DDIM inversion without guidance on the base prompt: X[0...N], then Z[i] = X[N − i].
                _ = try pipeline.sample(with: pipeline.inverseScheduler(steps: steps), indices: remaining,
                                        from: latents[latents.count - 1], conditional: embedding,
                                        unconditional: nil, guidance: 1, onStep: onStep)
            } else {
                let unconditional = settings.guidance > 1 ? try textEmbeddings(settings.negativePrompt) : nil
                _ = try pipeline.sample(with: pipeline.scheduler(steps: steps), indices: remaining,
                                        from: latents[latents.count - 1], conditional: embedding,
                                        unconditional: unconditional, guidance: settings.guidance, onStep: onStep)
            }
        } catch EngineError.cancelled {
            if latents.count > 1, latents.allSatisfy(\.isFinite) {
                try project.storeCache(.baseTrajectory, key: partialKey, data: CacheEntry(tensors: latents).encoded())
            }
            throw EngineError.cancelled
        }
        _ = try checkedFinite(latents[steps], "the base trajectory")
        let trajectory: [Tensor] = isInversion ? latents.reversed() : latents
        try project.storeCache(.baseTrajectory, key: baseKey, data: CacheEntry(tensors: trajectory).encoded())
        try project.dropCache(.baseTrajectory, key: partialKey)
        return trajectory
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
        let bytes = try uncommittedBlobs[layer.maskSHA256] ?? project.blob(layer.maskSHA256)
        let expected = settings.width * settings.height
        guard bytes.count == expected else {
            throw EngineError.maskSizeMismatch(layer: layer.name, expected: expected, actual: bytes.count)
        }
        let mask = try Mask(width: settings.width, height: settings.height, bytes: [UInt8](bytes))
        return layer.invert ? mask.inverted() : mask
    }

    /// The layer's latent mask m, computed once per session.
    func latentMask(for layer: Layer) throws -> LatentMask {
        let key = layerKey(layer)
        if let known = masks[key] { return known }
        let mask = try LatentMask(layer: layer, edit: editMask(for: layer), padding: padding)
        masks[key] = mask
        return mask
    }

    private func layerKey(_ layer: Layer) -> String {
        keys.layer(layer, baseKey: baseKey, blendSteps: settings.blendSteps, region: region)
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

    /// R_k from the cache, or Zhat = Z[s] + alpha eps' m denoised from s = N − n to b with the layer's prompts:
    /// on the whole latent in full mode, on the layer's window in region mode (Z[b] outside it). A layer whose
    /// mask edits no latent cell costs nothing: its result is Z[b].
    func layerResult(_ layer: Layer, mask: LatentMask, trajectory: [Tensor]) throws -> Tensor {
        guard !mask.isEmpty else { return trajectory[blendIndex] }
        let key = layerKey(layer)
        if let cached = try lookup(.layerResult, key, parse: { entry in
            entry.tensors.count == 1 && entry.tensors[0].shape == latentShape ? entry.tensors[0] : nil
        }) {
            return cached
        }
        let start = steps - layer.regenSteps
        let noisy = try mask.addingNoise(randn(latentShape, seed: layer.seed), strength: layer.strength,
                                         to: trajectory[start])
        func regenerate(_ latent: Tensor) throws -> Tensor {
            try denoise(latent, steps: start..<blendIndex, prompt: layer.prompt, negativePrompt: layer.negativePrompt,
                        guidance: layer.guidance, stage: .layers, item: layer.name)
        }
        let result: Tensor
        if region.mode == .full {
            result = try regenerate(noisy)
        } else {
            // The support is not empty, so there is a window.
            let window = LatentWindow.around(support: mask.values.map { $0 > 0 }, height: latentHeight, width: latentWidth,
                                             margin: region.margin, multiple: pipeline.unetSizeMultiple)!
            result = try window.paste(regenerate(window.crop(noisy)), into: trajectory[blendIndex])
        }
        try project.storeCache(.layerResult, key: key,
                               data: CacheEntry(tensors: [checkedFinite(result, "layer '\(layer.name)'")]).encoded())
        return result
    }

    // MARK: Pixels

    private func decode(_ latent: Tensor) throws -> RGBImage {
        let pixels = try padding.cropped(pipeline.decode(latent: latent))
        try reportDecode()
        return try RGBImage(width: settings.width, height: settings.height, tensorValues: pixels.scalars)
    }

    /// The final picture's pixels of `latent` (the whole latent or a window): the preview decoder's when there is
    /// one (its runs counted here, as the pipeline counts the VAE's), else the VAE's.
    private func decodeFinal(_ latent: Tensor) throws -> Tensor {
        guard let finalDecoder else {
            let pixels = try pipeline.decode(latent: latent)
            try reportDecode()
            return pixels
        }
        let pixels = try finalDecoder.decoder.decode(latent: latent)
        previewDecodes.count += 1
        previewDecodes.pixels += pixels.shape[0] * pixels.shape[2] * pixels.shape[3]
        progress?(RenderProgress(stage: .decode, completed: previewDecodes.count, total: previewDecodes.count))
        return pixels
    }

    private func reportDecode() throws {
        let done = pipeline.work.vaeDecodes
        progress?(RenderProgress(stage: .decode, completed: done, total: done))
    }

    /// The decoder's output in [0, 1], clamped, before rounding.
    private func unit(_ pixels: Tensor) -> Tensor {
        Tensor(shape: pixels.shape, scalars: pixels.scalars.map { min(max($0 / 2 + 0.5, 0), 1) })
    }

    /// The picture of `[1, 3, H, W]` values in [0, 1]: each rounded from value × 255, ties to even.
    private func image(unitPixels: Tensor) throws -> RGBImage {
        let plane = settings.width * settings.height
        var pixels = [UInt8](repeating: 0, count: plane * 3)
        for index in 0..<plane {
            for channel in 0..<3 {
                let value = unitPixels.scalars[channel * plane + index]
                pixels[index * 3 + channel] = UInt8((value.isNaN ? 0 : value * 255).rounded(.toNearestOrEven))
            }
        }
        return try RGBImage(width: settings.width, height: settings.height, pixels: pixels)
    }

    /// P0: decode(Z[N]) in [0, 1] before rounding, on the whole canvas, cached once per base.
    private func basePixels(trajectory: [Tensor]) throws -> Tensor {
        let key = keys.basePixels(baseKey: baseKey, previewDecoder: finalDecoder?.fingerprint)
        let shape = [1, 3, padding.canvasHeight, padding.canvasWidth]
        if let cached = try lookup(.render, key, parse: { entry in
            entry.tensors.count == 1 && entry.tensors[0].shape == shape ? entry.tensors[0] : nil
        }) {
            return cached
        }
        let pixels = try unit(decodeFinal(trajectory[steps]))
        try project.storeCache(.render, key: key, data: CacheEntry(tensors: [pixels]).encoded())
        return pixels
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

    /// Runs the DDIM steps `steps` of the N-step schedule from `latent` through the pipeline's sampling loop,
    /// checking cancellation before each step.
    private func denoise(_ latent: Tensor, steps range: Range<Int>, prompt: String, negativePrompt: String,
                         guidance: Double, stage: RenderStage, item: String? = nil) throws -> Tensor {
        let conditional = try textEmbeddings(prompt)
        let unconditional = guidance > 1 ? try textEmbeddings(negativePrompt) : nil
        try checkCancelled()
        return try pipeline.sample(with: pipeline.scheduler(steps: steps), indices: range, from: latent,
                                   conditional: conditional, unconditional: unconditional,
                                   guidance: guidance) { step in
            progress?(RenderProgress(stage: stage, item: item, completed: step.completed, total: step.total,
                                     latent: step.latent, preview: try preview(step.latent)))
            if step.completed < step.total { try checkCancelled() }
        }
    }

    /// `latent` (the whole latent, shown at the picture's size, or a window) through the preview decoder, when
    /// there is one.
    private func preview(_ latent: Tensor) throws -> RGBImage? {
        guard let previewDecoder else { return nil }
        let pixels = try padding.croppedIfCanvas(previewDecoder.decode(latent: latent))
        return try RGBImage(width: pixels.shape[3], height: pixels.shape[2], tensorValues: pixels.scalars)
    }

    /// The prompt's text embeddings, computed once while the engine holds them.
    private func textEmbeddings(_ prompt: String) throws -> Tensor {
        try embeddings.embeddings(of: prompt) { try pipeline.textEmbeddings($0) }
    }

    private func checkCancelled() throws {
        if isCancelled() { throw EngineError.cancelled }
    }

    /// `latent`, or `EngineError.notFinite` naming `what` when it holds NaN or infinity (nothing is cached then).
    private func checkedFinite(_ latent: Tensor, _ what: String) throws -> Tensor {
        guard latent.isFinite else { throw EngineError.notFinite(what) }
        return latent
    }

    /// The value `parse` makes of the entry cached under `key`, counted as a hit; nil, counted as a miss, when
    /// there is no entry or it is not what this engine writes (so it is recomputed and overwritten).
    private func lookup<Value>(_ kind: CacheKind, _ key: String, parse: (CacheEntry) -> Value?) throws -> Value? {
        let value = try project.cachedData(kind, key: key).flatMap(CacheEntry.init(data:)).flatMap(parse)
        stats.recordLookup(kind, hit: value != nil)
        return value
    }

    private func timed<T>(_ stage: RenderStage, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now()
        defer { stats.addTime(Engine.seconds(since: start), to: stage.rawValue) }
        return try body()
    }
}

extension Tensor {
    /// Whether every value is finite.
    var isFinite: Bool { scalars.allSatisfy(\.isFinite) }
}
