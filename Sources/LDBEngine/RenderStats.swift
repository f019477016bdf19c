import Foundation
import LDBDiffusion
import LDBDocument

/// The cost of one render: UNet and VAE work, cache hits and misses, and the time of each stage.
///
/// Two stats are equal when their counts are; `stageSeconds` is left out of `==`, since times never repeat.
public struct RenderStats: Sendable, Equatable {
    /// The stages of a render, in the order `stageSeconds` lists them (`RenderStage`'s names).
    public static let stages = RenderStage.allCases.map(\.rawValue)

    /// UNet forward passes.
    public var unetCalls: Int
    /// Batch items over those passes (a guided step is one call of two samples).
    public var unetSamples: Int
    /// Sum over the passes of batch × height × width of the latent passed: what region mode saves.
    public var unetCells: Int
    /// VAE decoder runs.
    public var vaeDecodes: Int
    /// Sum over the decoder runs of the pixels made (height × width).
    public var vaeDecodedPixels: Int
    /// VAE encoder runs (the source image of a real-image project).
    public var vaeEncodes: Int
    /// Visible layers whose latent mask is zero everywhere: skipped, no UNet call.
    public var layersSkipped: Int
    /// Cache lookups that found an entry, by kind.
    public var cacheHits: [CacheKind: Int]
    /// Cache lookups that found nothing (and so computed and stored the value), by kind.
    public var cacheMisses: [CacheKind: Int]
    /// Wall-clock seconds of each stage, in the order of `stages`: "model load" (nonzero only for the first
    /// render after `Engine.open`), "base" (trajectory or inversion), "layers" (layer results and composite),
    /// "finish" (last B steps), "decode" (VAE and keep-background), "store" (render cache lookup, cache writes
    /// and trimming).
    public var stageSeconds: [(stage: String, seconds: Double)]

    public init(unetCalls: Int = 0, unetSamples: Int = 0, unetCells: Int = 0, vaeDecodes: Int = 0,
                vaeDecodedPixels: Int = 0, vaeEncodes: Int = 0, layersSkipped: Int = 0,
                cacheHits: [CacheKind: Int] = [:], cacheMisses: [CacheKind: Int] = [:],
                stageSeconds: [(stage: String, seconds: Double)] = Self.stages.map { ($0, 0) }) {
        self.unetCalls = unetCalls
        self.unetSamples = unetSamples
        self.unetCells = unetCells
        self.vaeDecodes = vaeDecodes
        self.vaeDecodedPixels = vaeDecodedPixels
        self.vaeEncodes = vaeEncodes
        self.layersSkipped = layersSkipped
        self.cacheHits = cacheHits
        self.cacheMisses = cacheMisses
        self.stageSeconds = stageSeconds
    }

    public static func == (lhs: RenderStats, rhs: RenderStats) -> Bool {
        lhs.unetCalls == rhs.unetCalls && lhs.unetSamples == rhs.unetSamples && lhs.unetCells == rhs.unetCells
            && lhs.vaeDecodes == rhs.vaeDecodes && lhs.vaeDecodedPixels == rhs.vaeDecodedPixels
            && lhs.vaeEncodes == rhs.vaeEncodes && lhs.layersSkipped == rhs.layersSkipped
            && lhs.cacheHits == rhs.cacheHits && lhs.cacheMisses == rhs.cacheMisses
    }

    /// The number of hits of `kind` (0 when none).
    public func hits(_ kind: CacheKind) -> Int { cacheHits[kind] ?? 0 }

    /// The number of misses of `kind` (0 when none).
    public func misses(_ kind: CacheKind) -> Int { cacheMisses[kind] ?? 0 }

    /// A multi-line summary for `ldb render --stats`.
    public func report() -> String {
        let caches = [(CacheKind.baseTrajectory, "base trajectory"), (.layerResult, "layer results"), (.render, "renders")]
            .map { kind, name in "\(name) \(hits(kind)) hit\(hits(kind) == 1 ? "" : "s"), \(misses(kind)) missed" }
        let total = stageSeconds.reduce(0) { $0 + $1.seconds }
        let skipped = layersSkipped == 0 ? "" : "\nskipped \(layersSkipped) layer\(layersSkipped == 1 ? "" : "s") whose mask is empty"
        let times = stageSeconds.map { "\($0.stage) \(String(format: "%.2f", $0.seconds)) s" }
        return """
            UNet evaluations: \(unetCalls) call\(unetCalls == 1 ? "" : "s") (\(unetSamples) sample\(unetSamples == 1 ? "" : "s")), \(unetCells) latent cells
            VAE: \(vaeDecodes) decode\(vaeDecodes == 1 ? "" : "s") (\(vaeDecodedPixels) pixels), \(vaeEncodes) encode\(vaeEncodes == 1 ? "" : "s")\(skipped)
            caches: \(caches.joined(separator: "; "))
            time: \(times.joined(separator: ", ")); total \(String(format: "%.2f", total)) s
            """
    }

    /// Takes the network counts from what the pipeline counted during the render.
    mutating func record(_ work: PipelineWork) {
        unetCalls = work.unetCalls
        unetSamples = work.unetSamples
        unetCells = work.unetCells
        vaeDecodes = work.vaeDecodes
        vaeDecodedPixels = work.vaeDecodedPixels
        vaeEncodes = work.vaeEncodes
    }

    /// Adds `seconds` to `stage`.
    mutating func addTime(_ seconds: Double, to stage: String) {
        if let index = stageSeconds.firstIndex(where: { $0.stage == stage }) {
            stageSeconds[index].seconds += seconds
        } else {
            stageSeconds.append((stage, seconds))
        }
    }

    /// Counts a lookup of `kind` as a hit or a miss.
    mutating func recordLookup(_ kind: CacheKind, hit: Bool) {
        if hit {
            cacheHits[kind, default: 0] += 1
        } else {
            cacheMisses[kind, default: 0] += 1
        }
    }
}
