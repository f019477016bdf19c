import ArgumentParser
import Foundation
import LDBDiffusion
import LDBDocument
import LDBEngine
import LDBImage

/// `ldb demo`: a scripted session on the bundled tiny model, the README's main job.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a short scripted editing session on the bundled tiny model.",
        discussion: """
            Makes two projects in DIR, one generated from a prompt and one from a photo, adds overlapping \
            layers, renders, hides a layer, undoes, branches and renders again. Each step's command and output \
            are shown; the pictures and report.md, with what every step cost, are written to DIR. The bundled \
            model has tiny random weights, so the pictures show colored noise: the point is the mechanics and \
            their cost. Run it from the package's folder, or give --model and --image.
            """
    )

    @Argument(help: ArgumentHelp("The folder to work in; created when missing.", valueName: "dir"))
    var directory = "ldb-demo"

    @Option(help: ArgumentHelp("The model to use.", valueName: "model"))
    var model = "Fixtures/models/tiny-sd1"

    @Option(help: ArgumentHelp("The photo to edit (its sides must be multiples of 8).", valueName: "png"))
    var image = "Fixtures/reference/tiny-sd2/invert_image.png"

    @OptionGroup var weights: WeightPrecisionOption

    func run() throws {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let dream = path("dream.ldbproj"), photo = path("photo.ldbproj")
        for project in [dream, photo] where FileManager.default.fileExists(atPath: project) {
            try FileManager.default.removeItem(atPath: project)
        }
        try Demo.circleMask(width: 64, height: 96).writePNG(to: URL(fileURLWithPath: path("lamp-mask.png")))

        var report = DemoReport()
        let steps: [DemoStep] = [
            .command(["new", dream, "--model", model, "--prompt", "a lighthouse on a cliff at dusk",
                      "--negative", "blurry", "--seed", "42", "--size", "64x96"]),
            .command(["layer", "add", dream, "--name", "sky", "--prompt", "a sky full of stars",
                      "--box", "0,0,64,40", "--seed", "7", "--feather", "4"]),
            .command(["layer", "add", dream, "--name", "lamp", "--prompt", "a glowing red lamp",
                      "--mask", path("lamp-mask.png"), "--seed", "11", "--strength", "0.8"]),
            .render(dream, path("1-two-layers.png"), "first render: base, both layers, finish"),
            .render(dream, path("1-again.png"), "render again, nothing changed"),
            .command(["layer", "hide", dream, "sky"]),
            .render(dream, path("2-sky-hidden.png"), "hide a layer: no layer re-runs"),
            .command(["layer", "move", dream, "lamp", "--to", "0"]),
            .command(["undo", dream, "2"]),
            .render(dream, path("3-undone.png"), "undo to a rendered state"),
            .command(["layer", "set", dream, "lamp", "--strength", "1.2", "--prompt", "a blue lantern"]),
            .render(dream, path("4-branch.png"), "edit one layer after undo (a new branch)"),
            .command(["history", dream]),
            .command(["new", photo, "--model", model, "--image", image, "--prompt", "a photo"]),
            .command(["layer", "add", photo, "--name", "patch", "--prompt", "a green field",
                      "--box", "16,16,48,32", "--feather", "3", "--seed", "5"]),
            .render(photo, path("5-photo-edit.png"), "photo: inversion, one layer, finish"),
            .command(["info", photo]),
        ]
        for step in steps {
            try step.run(into: &report, weightPrecision: weights.precision)
            fflush(nil)  // keep each step's output before anything a later one writes to stderr
        }
        let reportPath = path("report.md")
        try report.markdown().write(toFile: reportPath, atomically: true, encoding: .utf8)
        print("\n" + report.markdown())
        print("Pictures and \(reportPath) are in \(folder.path).")
    }

    /// A filled circle in the middle of a `width` x `height` mask.
    static func circleMask(width: Int, height: Int) throws -> Mask {
        let radius = Double(min(width, height)) / 4
        var bytes = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let dx = Double(x) + 0.5 - Double(width) / 2, dy = Double(y) + 0.5 - Double(height) / 2
                if dx * dx + dy * dy <= radius * radius { bytes[y * width + x] = 255 }
            }
        }
        return try Mask(width: width, height: height, bytes: bytes)
    }
}

/// One step of the demo: an `ldb` command line, or a render whose cost goes into the report.
private enum DemoStep {
    case command([String])
    case render(String, String, String)

    func run(into report: inout DemoReport, weightPrecision: WeightPrecision) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        switch self {
        case .command(let arguments):
            print("\n$ ldb " + arguments.map(shellQuoted).joined(separator: " "))
            var command = try LDB.parseAsRoot(arguments)
            try command.run()
            if arguments.first != "history" && arguments.first != "info" {
                // Name the step by its words, leaving out file paths, which say nothing here.
                let words = arguments.filter { !$0.contains("/") }.map(shellQuoted)
                report.rows.append(.init(step: words.joined(separator: " "), unetCalls: 0, decodes: 0,
                                         cacheHits: 0, seconds: seconds()))
            }
        case .render(let project, let output, let what):
            let option = weightPrecision == .float16 ? " --half-precision-weights" : ""
            print("\n$ ldb render \(shellQuoted(project)) -o \(shellQuoted(output)) --stats\(option)   # \(what)")
            let result = try Render.render(Project.open(at: URL(fileURLWithPath: project)), weightPrecision: weightPrecision)
            try result.image.writePNG(to: URL(fileURLWithPath: output))
            print(result.stats.report())
            report.rows.append(.init(step: "render: \(what)", unetCalls: result.stats.unetCalls,
                                     decodes: result.stats.vaeDecodes,
                                     cacheHits: result.stats.cacheHits.values.reduce(0, +), seconds: seconds()))
        }
    }
}

/// What each step of the demo cost.
private struct DemoReport {
    struct Row {
        var step: String
        var unetCalls: Int, decodes: Int, cacheHits: Int
        var seconds: Double
    }

    var rows: [Row] = []

    func markdown() -> String {
        var lines = ["# ldb demo: what each step cost", "",
                     "| step | UNet calls | VAE decodes | cache hits | seconds |", "| --- | ---: | ---: | ---: | ---: |"]
        for row in rows {
            lines.append("| \(row.step) | \(row.unetCalls) | \(row.decodes) | \(row.cacheHits) | "
                         + String(format: "%.2f", row.seconds) + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Quotes an argument the way a POSIX shell would need it.
private func shellQuoted(_ argument: String) -> String {
    let safe = argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./,=:".contains($0) }
    return safe && !argument.isEmpty ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
