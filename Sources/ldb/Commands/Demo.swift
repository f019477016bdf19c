import ArgumentParser
import Foundation
import LDBDiffusion
import LDBDocument
import LDBEngine
import LDBImage

/// `ldb demo`: a scripted session on the bundled shapes model, the README's main job.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a short scripted editing session on the bundled shapes model.",
        discussion: """
            Makes two projects in DIR, one generated from a caption and one from a picture, adds overlapping \
            layers, renders, hides a layer, reorders, undoes and branches. Each step's command and what it cost \
            are shown. DIR receives each layer's mask, each step's picture, contact-sheet.png (all of them side \
            by side, enlarged) and report.md. The bundled model was trained in this repository on a toy world \
            of colored shapes (circles, squares, triangles, stars, rings and stripes in twelve colors, on plain, \
            horizon and gradient backgrounds) at 64x64 pixels, and knows nothing else: it paints the colors its \
            prompts name, as blobs more than crisp shapes (see README.md).
            """
    )

    @Argument(help: ArgumentHelp("The folder to work in; created when missing.", valueName: "dir"))
    var directory = "ldb-demo"

    @Option(help: ArgumentHelp("The model to use. Default: the bundled shapes model.", valueName: "model"))
    var model: String?

    @Option(help: ArgumentHelp("The 64x64 picture to invert and edit. Default: a bundled shapes-world picture.",
                               valueName: "png"))
    var image: String?

    @Option(help: "How many times the contact sheet enlarges each picture, 1...16.")
    var scale = 4

    @OptionGroup var weights: WeightPrecisionOption

    func validate() throws {
        guard (1...16).contains(scale) else { throw ValidationError("--scale must be in 1...16, got \(scale)") }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let model = try self.model ?? DemoResources.model.path
        let picture = try self.image ?? DemoResources.picture.path
        let dream = path("dream.ldbproj"), photo = path("photo.ldbproj")
        for project in [dream, photo] where FileManager.default.fileExists(atPath: project) {
            try FileManager.default.removeItem(atPath: project)
        }
        // Two layers that overlap in the middle, so that their order shows; a third for the picture's sky.
        let starMask = try Mask.rectangle(width: 64, height: 64, x: 20, y: 2, w: 40, h: 34)
        let ringMask = try Demo.circleMask(width: 64, height: 64, centerX: 28, centerY: 30, radius: 15)
        let skyMask = try Mask.rectangle(width: 64, height: 64, x: 2, y: 2, w: 26, h: 22)
        for (mask, name) in [(starMask, "star-mask.png"), (ringMask, "ring-mask.png"), (skyMask, "sky-mask.png")] {
            try mask.writePNG(to: URL(fileURLWithPath: path(name)))
        }

        var sheet = ContactSheet(scale: scale)
        var report = DemoReport()
        let layer = ["--regen-steps", "16", "--strength", "1"]
        let steps: [DemoStep] = [
            .command(["new", dream, "--model", model, "--prompt", "a red circle on a blue sky over green grass",
                      "--seed", "3", "--size", "64x64", "--steps", "20"]),
            .render(dream, path("0-base.png"), "the base picture, no layer yet", row: .inputs),
            .mask(starMask, row: .inputs), .mask(ringMask, row: .inputs),
            .command(["layer", "add", dream, "--name", "star", "--prompt", "a yellow star",
                      "--mask", path("star-mask.png"), "--seed", "1"] + layer),
            .command(["layer", "add", dream, "--name", "ring", "--prompt", "a white ring",
                      "--mask", path("ring-mask.png"), "--seed", "4"] + layer),
            .render(dream, path("1-two-layers.png"), "two layers: each regenerates its mask", row: .edits),
            .render(dream, path("1-again.png"), "render again, nothing changed", row: nil),
            .command(["layer", "hide", dream, "star"]),
            .render(dream, path("2-star-hidden.png"), "hide a layer: no layer re-runs", row: .edits),
            .command(["layer", "show", dream, "star"]),
            .command(["layer", "move", dream, "star", "--to", "1"]),
            .render(dream, path("3-reordered.png"), "the star on top of the ring", row: .edits),
            .command(["undo", dream, "3"]),
            .render(dream, path("4-undone.png"), "undo to a rendered state", row: .edits),
            .command(["layer", "set", dream, "ring", "--prompt", "a purple square"]),
            .render(dream, path("5-branch.png"), "edit a layer after undo (a new branch)", row: .edits),
            .command(["history", dream]),
            .command(["new", photo, "--model", model, "--image", picture,
                      "--prompt", "a red square and a yellow circle on a cyan sky over green grass"]),
            .picture(picture, row: .picture), .mask(skyMask, row: .picture),
            .command(["layer", "add", photo, "--name", "sky", "--prompt", "a white star",
                      "--mask", path("sky-mask.png"), "--seed", "6"] + layer),
            .render(photo, path("6-picture-edit.png"), "picture: inversion, one layer, finish", row: .picture),
            .command(["info", photo]),
        ]
        for step in steps {
            try step.run(into: &report, sheet: &sheet, weightPrecision: weights.precision)
            fflush(nil)  // keep each step's output before anything a later one writes to stderr
        }
        let sheetPath = path("contact-sheet.png")
        try sheet.image().writePNG(to: URL(fileURLWithPath: sheetPath))
        report.sheetLegend = Self.sheetLegend
        let reportPath = path("report.md")
        try report.markdown().write(toFile: reportPath, atomically: true, encoding: .utf8)
        print("\n" + report.markdown())
        print("The pictures, the masks, \(sheetPath) and \(reportPath) are in \(folder.path).")
        print(Self.whatToTryNext(dream: dream, model: model, folder: folder))
    }

    static let sheetLegend = """
        Row 1: the base picture ("a red circle on a blue sky over green grass"), the star layer's mask, the ring layer's mask.
        Row 2: both layers; the star hidden; the star moved on top of the ring; undone back to both layers; the ring's prompt changed to "a purple square" (a new branch).
        Row 3: the picture given to `new --image`, the sky layer's mask, the picture edited ("a white star" in the sky).
        """

    /// Commands to go on from where the demo stopped, with the binary's absolute path so that they work anywhere.
    static func whatToTryNext(dream: String, model: String, folder: URL) -> String {
        let ldb = Bundle.main.executableURL?.resolvingSymlinksInPath().path ?? CommandLine.arguments[0]
        let mine = folder.appendingPathComponent("mine.ldbproj").path
        let commands = [
            [ldb, "layer", "add", dream, "--name", "moon", "--prompt", "a white circle", "--box", "4,4,24,24",
             "--regen-steps", "16", "--strength", "1"],
            [ldb, "render", dream, "-o", folder.appendingPathComponent("moon.png").path, "--stats"],
            [ldb, "layer", "list", dream],
            [ldb, "undo", dream],
            [ldb, "new", mine, "--model", model, "--prompt", "a green star and a blue ring on an orange background",
             "--size", "64x64", "--steps", "20"],
            [ldb, "render", mine, "-o", folder.appendingPathComponent("mine.png").path],
        ]
        return """

            Try next (the model knows only its shapes world: circle, square, triangle, star, ring, stripe; red, \
            orange, yellow, green, blue, purple, pink, brown, black, white, gray, cyan; backgrounds such as \
            "a blue sky over green grass", "a green field", "an orange to purple gradient"):
            \(commands.map { "  " + $0.map(shellQuoted).joined(separator: " ") }.joined(separator: "\n"))
            `\(ldb) help` lists every command.
            """
    }

    /// A filled circle in a `width` x `height` mask.
    static func circleMask(width: Int, height: Int, centerX: Double, centerY: Double, radius: Double) throws -> Mask {
        var bytes = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let dx = Double(x) + 0.5 - centerX, dy = Double(y) + 0.5 - centerY
                if dx * dx + dy * dy <= radius * radius { bytes[y * width + x] = 255 }
            }
        }
        return try Mask(width: width, height: height, bytes: bytes)
    }
}

/// The contact sheet's rows.
private enum SheetRow: Int {
    case inputs, edits, picture
}

/// One step of the demo: an `ldb` command line, a render whose cost goes into the report, or a tile of the
/// contact sheet that no command makes (a mask, the source picture).
private enum DemoStep {
    case command([String])
    case render(String, String, String, row: SheetRow?)
    case mask(Mask, row: SheetRow)
    case picture(String, row: SheetRow)

    func run(into report: inout DemoReport, sheet: inout ContactSheet, weightPrecision: WeightPrecision) throws {
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
        case let .render(project, output, what, row):
            let option = WeightPrecisionOption.arguments(for: weightPrecision)
            print("\n$ ldb render \(shellQuoted(project)) -o \(shellQuoted(output)) --stats\(option)   # \(what)")
            let result = try Render.render(Project.open(at: URL(fileURLWithPath: project)), weightPrecision: weightPrecision)
            try result.image.writePNG(to: URL(fileURLWithPath: output))
            print(result.stats.report())
            report.rows.append(.init(step: "render: \(what)", unetCalls: result.stats.unetCalls,
                                     decodes: result.stats.vaeDecodes,
                                     cacheHits: result.stats.cacheHits.values.reduce(0, +), seconds: seconds()))
            if let row { sheet.append(result.image, row: row.rawValue) }
        case let .mask(mask, row):
            try sheet.append(mask, row: row.rawValue)
        case let .picture(path, row):
            sheet.append(try RGBImage(png: URL(fileURLWithPath: path)), row: row.rawValue)
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
    var sheetLegend = ""

    func markdown() -> String {
        var lines = ["# ldb demo: what each step cost", "",
                     "| step | UNet calls | VAE decodes | cache hits | seconds |", "| --- | ---: | ---: | ---: | ---: |"]
        for row in rows {
            lines.append("| \(row.step) | \(row.unetCalls) | \(row.decodes) | \(row.cacheHits) | "
                         + String(format: "%.2f", row.seconds) + " |")
        }
        if !sheetLegend.isEmpty {
            lines += ["", "## contact-sheet.png", "", sheetLegend]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Quotes an argument the way a POSIX shell would need it.
private func shellQuoted(_ argument: String) -> String {
    let safe = argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./,=:".contains($0) }
    return safe && !argument.isEmpty ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
