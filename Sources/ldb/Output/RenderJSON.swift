import Foundation
import LDBDocument
import LDBEngine

/// `ldb render --json`: where the picture went and what it cost.
struct RenderJSON: Encodable {
    struct Stats: Encodable {
        var unetCalls: Int, unetSamples: Int, unetCells: Int
        var vaeDecodes: Int, vaeDecodedPixels: Int, vaeEncodes: Int
        var layersSkipped: Int
        var cache: [String: Lookups]
        /// Stage name -> seconds.
        var seconds: [String: Double]

        enum CodingKeys: String, CodingKey {
            case unetCalls = "unet_calls", unetSamples = "unet_samples", unetCells = "unet_cells"
            case vaeDecodes = "vae_decodes", vaeDecodedPixels = "vae_decoded_pixels", vaeEncodes = "vae_encodes"
            case layersSkipped = "layers_skipped", cache, seconds
        }
    }

    struct Lookups: Encodable {
        var hits: Int, misses: Int
    }

    var output: String
    var width: Int, height: Int
    var stats: Stats

    init(output: String, result: RenderResult) {
        self.output = output
        (width, height) = (result.image.width, result.image.height)
        let stats = result.stats
        let names: [(CacheKind, String)] = [(.baseTrajectory, "base_trajectory"), (.layerResult, "layer_results"),
                                            (.render, "renders")]
        self.stats = Stats(
            unetCalls: stats.unetCalls, unetSamples: stats.unetSamples, unetCells: stats.unetCells,
            vaeDecodes: stats.vaeDecodes, vaeDecodedPixels: stats.vaeDecodedPixels, vaeEncodes: stats.vaeEncodes,
            layersSkipped: stats.layersSkipped,
            cache: Dictionary(uniqueKeysWithValues: names.map { kind, name in
                (name, Lookups(hits: stats.hits(kind), misses: stats.misses(kind)))
            }),
            seconds: Dictionary(stats.stageSeconds.map { ($0.stage, $0.seconds) }, uniquingKeysWith: +))
    }

    /// Pretty, key-sorted JSON, as `printJSON` writes it.
    func text() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
