import ArgumentParser
import Foundation
import LDBDiffusion
import LDBDocument
import LDBEngine
import LDBServer

/// `ldb serve`: the layered brush editor in the browser.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the layered brush editor in the browser.",
        discussion: """
            Serves the given projects, or every .ldbproj in the given folders (default: the current folder), \
            and prints the address to open. The address carries a random token that the page then keeps in a \
            cookie; every request needs it, also on this machine. New projects are created in the first folder.

            The page shows a live preview after each change, in the project's region mode (or the one given \
            here) and decoded with the preview decoder when one is given; its Render button makes the final \
            render, in full mode with the model's VAE, and Export PNG saves that.
            """
    )

    @Argument(help: ArgumentHelp("Project files and folders to serve.", valueName: "path"))
    var paths: [String] = []

    @Option(help: "The address to listen on. Anything but loopback makes the editor reachable from other machines.")
    var host = "127.0.0.1"

    @Option(help: "The TCP port to listen on (0 picks a free one).")
    var port = 7860

    @Option(help: ArgumentHelp(
        "The model of new projects (default: the model of a served project).", valueName: "model"))
    var model: String?

    @Option(help: ArgumentHelp("The access token (default: a new random one).", valueName: "token"))
    var token: String?

    @OptionGroup(title: "Live previews (default: the project's region setting and the model's VAE)")
    var previewRegion: RegionOptions

    @OptionGroup var previewDecoder: PreviewDecoderOption

    @OptionGroup var weights: WeightPrecisionOption

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) must be in 0...65535.") }
        if let token, token.count < 16 || !token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            throw ValidationError("--token must be at least 16 letters and digits.")
        }
    }

    func run() throws {
        var configuration = ServerConfiguration(
            host: host, port: port, paths: (paths.isEmpty ? ["."] : paths).map { URL(fileURLWithPath: $0) },
            modelForNewProjects: try model.map { try NamedModel($0).reference() },
            preview: PreviewSettings(regionMode: previewRegion.region, regionMargin: previewRegion.regionMargin,
                                     decoder: try previewDecoder.load()))
        if let token { configuration.token = token }
        configuration.weightPrecision = weights.precision
        if !configuration.bindsLoopback {
            FileHandle.standardError.write(Data(
                "warning: listening on \(host): other machines can reach the editor (the token is still required)\n".utf8))
        }
        let server = try EditorServer(configuration: configuration)
        let failure = Locked<Error?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run { url in
                    FileHandle.standardOutput.write(Data("ldb serve: open \(url.absoluteString)\n".utf8))
                }
            } catch {
                failure.withLock { $0 = error }
            }
            done.signal()
        }
        done.wait()
        if let error = failure.current { throw error }
    }
}
