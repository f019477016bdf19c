import ArgumentParser
import LDBDiffusion
import LDBDocument
import LDBEngine

/// `--preview-decoder`: a tiny autoencoder that decodes previews instead of the model's VAE.
struct PreviewDecoderOption: ParsableArguments {
    @Option(name: .customLong("preview-decoder"), help: ArgumentHelp(
        "Decode live previews with this tiny autoencoder (TAESD: a folder, or a Hugging Face id in the cache) "
            + "instead of the VAE.",
        valueName: "decoder"))
    var reference: String?

    /// The decoder, loaded, with the fingerprint of its files; nil when none was given.
    func load() throws -> PreviewDecoder? {
        try reference.map { reference in
            let folder = try AutoencoderTiny.folder(for: reference)
            return PreviewDecoder(decoder: try AutoencoderTiny.load(folder: folder),
                                  fingerprint: try ModelReference.fingerprint(of: folder))
        }
    }
}
