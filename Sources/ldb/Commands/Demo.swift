import ArgumentParser
import Foundation
import LDBImage

/// `ldb demo`: a scripted session on the bundled tiny model, the README's main job.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a short scripted editing session on the bundled tiny model.",
        discussion: """
            Creates a project in DIR, adds and edits layers, undoes, branches, tags and prints the \
            history, showing each command as it runs. Run it from the package's folder, or give --model.
            """
    )

    @Argument(help: ArgumentHelp("The folder to work in; created when missing.", valueName: "dir"))
    var directory = "ldb-demo"

    @Option(help: ArgumentHelp("The model to record in the project.", valueName: "model"))
    var model = "Fixtures/models/tiny-sd1"

    func run() throws {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let project = folder.appendingPathComponent("demo.ldbproj").path
        if FileManager.default.fileExists(atPath: project) {
            try FileManager.default.removeItem(atPath: project)
        }
        let maskPath = folder.appendingPathComponent("circle-mask.png").path
        try Demo.circleMask(width: 64, height: 64).writePNG(to: URL(fileURLWithPath: maskPath))

        let script: [[String]] = [
            ["new", project, "--model", model, "--prompt", "a lighthouse on a cliff at dusk",
             "--negative", "blurry", "--seed", "42", "--size", "64x64", "--steps", "20"],
            ["layer", "add", project, "--name", "sky", "--prompt", "a sky full of stars",
             "--box", "0,0,64,24", "--seed", "7", "--feather", "2"],
            ["layer", "add", project, "--name", "lamp", "--prompt", "a glowing red lamp",
             "--mask", maskPath, "--seed", "11", "--strength", "0.8"],
            ["layer", "set", project, "lamp", "--strength", "0.9"],
            ["layer", "set", project, "sky", "--prompt", "northern lights", "--regen-steps", "12"],
            ["tag", project, "first-look"],
            ["layer", "hide", project, "sky"],
            ["undo", project, "2"],
            ["layer", "move", project, "lamp", "--to", "0"],
            ["checkout", project, "first-look"],
            ["undo", project],
            ["redo", project],
            ["layer", "list", project],
            ["history", project],
            ["info", project],
        ]
        for arguments in script {
            print("\n$ ldb " + arguments.map(shellQuoted).joined(separator: " "))
            var command = try LDB.parseAsRoot(arguments)
            try command.run()
            fflush(nil)  // keep each command's output before anything a later one writes to stderr
        }
        print("\nThe project is \(project); try `ldb history \(shellQuoted(project))`.")
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

/// Quotes an argument the way a POSIX shell would need it.
private func shellQuoted(_ argument: String) -> String {
    let safe = argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./,=:".contains($0) }
    return safe && !argument.isEmpty ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
