import ArgumentParser
import Foundation
import LDBDiffusion
import LDBDocument
import LDBEngine
import LDBTensor

/// `ldb render`: the project's picture at HEAD.
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the project to a PNG.",
        discussion: """
            Only what changed since an earlier render is computed: the base latents and every layer's result are \
            kept in the project's caches, so hiding, reordering, undoing or reopening costs at most the last blend \
            steps and one decode. Ctrl-C stops cleanly; what finished stays cached.
            """
    )

    @OptionGroup var project: ProjectArgument

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp(
        "Where to write the PNG; - writes it to standard output. Never a project, an SQLite file or a folder.",
        valueName: "out.png"))
    var output: String

    @Option(name: .customLong("latent-out"),
            help: ArgumentHelp("Also write the final latent as tensor `latent`.", valueName: "latent.safetensors"))
    var latentOutput: String?

    @Flag(help: "Print UNet evaluations, cache hits and misses, and the time of each stage.")
    var stats = false

    @Flag(help: "Print the output, its size and the render's statistics as one JSON object.")
    var json = false

    @OptionGroup(title: "Region (default: the project's setting, see `ldb set`)") var region: RegionOptions

    @Option(name: .customLong("preview-decoder"), help: ArgumentHelp(
        "Decode the picture with this tiny autoencoder (TAESD: a folder, or a Hugging Face id in the cache) "
            + "instead of the VAE: a fast preview, cached apart from full renders.",
        valueName: "decoder"))
    var previewDecoder: String?

    @Flag(name: .customLong("keep-background"), inversion: .prefixedNo,
          help: ArgumentHelp(keepBackgroundHelp + " Default: the project's setting."))
    var keepBackground: Bool?

    @Option(help: ArgumentHelp("Load this weights variant of the model, such as fp16.", valueName: "variant"))
    var variant: String?

    @OptionGroup var weights: WeightPrecisionOption

    func run() throws {
        let image = try OutputFile(output, format: .png, inputs: [project.path], allowsStandardOutput: true)
        let latent = try latentOutput.map { try OutputFile($0, format: .safetensors, inputs: [project.path]) }
        let interruption = Interruption()
        interruption.start()
        let document = try project.open()
        var settings = try document.state().settings
        region.apply(to: &settings)
        let decoder = try previewDecoder.map { reference in
            let folder = try AutoencoderTiny.folder(for: reference)
            return PreviewDecoder(decoder: try AutoencoderTiny.load(folder: folder),
                                  fingerprint: try ModelReference.fingerprint(of: folder))
        }
        let result = try Self.render(document, keepBackground: keepBackground, region: RegionSetting(settings),
                                     finalDecoder: decoder, variant: variant, weightPrecision: weights.precision,
                                     interruption: interruption)
        try image.write(result.image.pngData())
        if let latent { try latent.write(SafeTensorsWriter.encode(["latent": result.latent], file: latent.path)) }
        // With the picture on standard output, the messages go to standard error.
        let say: (String) -> Void = image.isStandardOutput ? { printError($0) } : { print($0) }
        if json {
            try say(RenderJSON(output: output, result: result).text())
            return
        }
        say("rendered \(output) (\(result.image.width)x\(result.image.height))")
        if stats { say(result.stats.report()) }
    }

    /// Renders `document` with progress on stderr; shared with `ldb demo`.
    static func render(_ document: Project, keepBackground: Bool? = nil, region: RegionSetting? = nil,
                       finalDecoder: PreviewDecoder? = nil, variant: String? = nil,
                       weightPrecision: WeightPrecision = .float32,
                       interruption: Interruption? = nil) throws -> RenderResult {
        upgradeLegacyModelFingerprint(of: document)
        let engine = try Engine.open(project: document, variant: variant, weightPrecision: weightPrecision)
        if engine.modelChanged {
            FileHandle.standardError.write(Data(
                "warning: the model's files changed since the project recorded them; cached results are not reused\n".utf8))
        }
        let progress = ProgressReporter("render")
        do {
            return try engine.render(state: nil, keepBackground: keepBackground, region: region,
                                     progress: { progress.update(stage: $0.label, step: $0.completed, of: $0.total) },
                                     finalDecoder: finalDecoder,
                                     isCancelled: { interruption?.isInterrupted ?? false })
        } catch EngineError.cancelled {
            FileHandle.standardError.write(Data(
                "interrupted: the project is unchanged; finished base steps, layers and renders stay cached\n".utf8))
            throw ExitCode(130)
        }
    }
}

/// `ldb gc`: drop the caches and compact the file.
struct GC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Drop the project's caches and compact the file.",
        discussion: "Nothing the user made is lost: caches are rebuilt by the next render.")

    @OptionGroup var project: ProjectArgument

    func run() throws {
        let document = try project.open()
        let size = { (try? FileManager.default.attributesOfItem(atPath: document.url.path)[.size] as? Int) ?? 0 }
        let before = size()
        let cached = try document.cacheByteCount()
        try document.clearCaches()
        try document.compact()
        print("dropped \(cached) bytes of caches; \(document.url.lastPathComponent) is now \(size()) bytes (was \(before))")
    }
}
