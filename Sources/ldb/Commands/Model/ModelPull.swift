import ArgumentParser
import Foundation
import LDBDiffusion
import LDBHub

extension ModelCommand {
    /// `ldb model pull ID`: download a diffusers model from the Hugging Face Hub into the Hugging Face cache.
    struct Pull: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a diffusers model from the Hugging Face Hub into the Hugging Face cache.",
            discussion: """
                Only the files ldb runs are downloaded: model_index.json, the scheduler and tokenizer files, \
                and the configuration and .safetensors weights of the text encoder, UNet and VAE. The cache is \
                huggingface_hub's ($HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub), so diffusers finds \
                the files too, and `--model ORG/NAME` uses them in place. $HF_ENDPOINT names another Hub; \
                $HF_TOKEN is sent for private or gated models. An interrupted pull resumes when run again.
                """)

        @Argument(help: ArgumentHelp("The model's Hub id.", valueName: "ORG/NAME"))
        var id: String

        @Option(help: "The branch, tag or commit to download.")
        var revision = "main"

        @Option(help: "Download the weights of this variant (such as fp16) where the model has them.")
        var variant: String?

        @OptionGroup var output: JSONFlag

        func run() throws {
            guard let repository = HubRepositoryID(id) else {
                throw ValidationError("'\(id)' is not a Hugging Face Hub id of the form ORG/NAME")
            }
            let downloader = try HubDownloader()
            let reporter = DownloadProgress()
            let result = try downloader.pull(repository, revision: revision, variant: variant, progress: reporter.report)
            if output.json {
                try printJSON(ModelPullJSON(id: repository.description, revision: revision, commit: result.commit,
                                            snapshot: result.snapshot.path, files: result.files,
                                            downloaded: result.downloaded))
                return
            }
            let fresh = result.downloaded.isEmpty ? "all \(result.files.count) files were already in the cache"
                : "downloaded \(result.downloaded.count) of \(result.files.count) files"
            print("\(repository) \(revision) (\(result.commit.prefix(12))): \(fresh)")
            print(result.snapshot.path)
        }
    }
}

/// Shows a pull's progress on standard error, one `ProgressReporter` per file, redrawn at most a few times a
/// second (and always when a file completes).
private final class DownloadProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var file = ""
    private var reporter: ProgressReporter?
    private var lastReport: UInt64 = 0

    func report(_ progress: HubDownloadProgress) {
        lock.withLock {
            if progress.file != file {
                file = progress.file
                reporter = ProgressReporter("[\(progress.fileNumber)/\(progress.fileCount)] \(progress.file)")
                lastReport = 0
            }
            let now = DispatchTime.now().uptimeNanoseconds
            let done = progress.receivedBytes >= progress.totalBytes
            guard done || now - lastReport >= 250_000_000 else { return }
            lastReport = now
            let total = Int((progress.totalBytes + 1023) / 1024)
            reporter?.update(stage: "(KiB)", step: done ? total : Int(progress.receivedBytes / 1024), of: total)
        }
    }
}

/// `ldb model pull --json`.
struct ModelPullJSON: Encodable {
    var id: String, revision: String, commit: String, snapshot: String
    var files: [String]
    var downloaded: [String]
}
