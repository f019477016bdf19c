import Foundation
import LDBDocument

/// The cost of one render: UNet and VAE work, cache hits and misses, and the time of each stage.
///
/// Two stats are equal when their counts are; `stageSeconds` is left out of `==`, since times never repeat.
public struct RenderStats: Sendable, Equatable {
    /// The stages of a render, in the order `stageSeconds` lists them.
    public static let stages = ["model load", "base", "layers", "finish", "decode", "store"]

    /// UNet forward passes.
    public var unetCalls: Int
    /// Batch items over those passes (a guided step is one call of two samples).
    public var unetSamples: Int
    /// VAE decoder runs.
    public var vaeDecodes: Int
    /// VAE encoder runs (the source image of a real-image project).
    public var vaeEncodes: Int
    /// Cache lookups that found an entry, by kind.
    public var cacheHits: [CacheKind: Int]
    /// Cache lookups that found nothing (and so computed and stored the value), by kind.
    public var cacheMisses: [CacheKind: Int]
    /// Wall-clock seconds of each stage, in the order of `stages`: "model load" (nonzero only for the first
    /// render after `Engine.open`), "base" (trajectory or inversion), "layers" (layer results and composite),
    /// "finish" (last B steps), "decode" (VAE and keep-background), "store" (render cache lookup, cache writes
    /// and trimming).
    public var stageSeconds: [(stage: String, seconds: Double)]

    public init(unetCalls: Int = 0, unetSamples: Int = 0, vaeDecodes: Int = 0, vaeEncodes: Int = 0,
                cacheHits: [CacheKind: Int] = [:], cacheMisses: [CacheKind: Int] = [:],
                stageSeconds: [(stage: String, seconds: Double)] = Self.stages.map { ($0, 0) }) {
        self.unetCalls = unetCalls
        self.unetSamples = unetSamples
        self.vaeDecodes = vaeDecodes
        self.vaeEncodes = vaeEncodes
        self.cacheHits = cacheHits
        self.cacheMisses = cacheMisses
        self.stageSeconds = stageSeconds
    }

    public static func == (lhs: RenderStats, rhs: RenderStats) -> Bool {
        lhs.unetCalls == rhs.unetCalls && lhs.unetSamples == rhs.unetSamples && lhs.vaeDecodes == rhs.vaeDecodes
            && lhs.vaeEncodes == rhs.vaeEncodes && lhs.cacheHits == rhs.cacheHits && lhs.cacheMisses == rhs.cacheMisses
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
        let times = stageSeconds.map { "\($0.stage) \(String(format: "%.2f", $0.seconds)) s" }
        return """
            UNet evaluations: \(unetCalls) call\(unetCalls == 1 ? "" : "s") (\(unetSamples) sample\(unetSamples == 1 ? "" : "s"))
            VAE: \(vaeDecodes) decode\(vaeDecodes == 1 ? "" : "s"), \(vaeEncodes) encode\(vaeEncodes == 1 ? "" : "s")
            caches: \(caches.joined(separator: "; "))
            time: \(times.joined(separator: ", ")); total \(String(format: "%.2f", total)) s
            """
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
