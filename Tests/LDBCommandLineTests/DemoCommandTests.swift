import Foundation
import LDBImage
import Testing

@Suite("ldb demo")
struct DemoCommandTests {
    /// The demo on its bundled model and picture, run from a folder that is not the package's: the pictures, the
    /// masks and the contact sheet, the costs in the report, a branch in the history, and what to try next.
    @Test func theScriptedSessionRunsAnywhereAndShowsEachStep() throws {
        let scratch = try Scratch()
        let result = try ldb(["demo", "out"], in: scratch.folder)
        try #require(result.succeeded, "demo failed: \(result.stderr)")
        let folder = scratch.folder.appendingPathComponent("out").path
        #expect(result.stdout.contains("$ ldb undo"))

        let pictures = ["0-base", "1-two-layers", "2-star-hidden", "3-reordered", "4-undone", "5-branch",
                        "6-picture-edit", "star-mask", "ring-mask", "sky-mask"]
        for picture in pictures {
            let image = try RGBImage(png: URL(fileURLWithPath: "\(folder)/\(picture).png"))
            #expect((image.width, image.height) == (64, 64), "\(picture).png")
        }
        // Three rows of 64-pixel tiles enlarged 4 times, 8 pixels apart; the widest row has five renders.
        let sheet = try RGBImage(png: URL(fileURLWithPath: "\(folder)/contact-sheet.png"))
        #expect((sheet.width, sheet.height) == (8 + 5 * (256 + 8), 8 + 3 * (256 + 8)))
        // Hiding a layer changes the picture; undoing returns exactly to the first render.
        let render = { (name: String) in try RGBImage(png: URL(fileURLWithPath: "\(folder)/\(name).png")) }
        #expect(try render("2-star-hidden") != render("1-two-layers"))
        #expect(try render("4-undone") == render("1-two-layers"))

        // The report's rows: a render that repeats a known state costs no UNet call.
        let report = try String(contentsOfFile: "\(folder)/report.md", encoding: .utf8)
        let rows = report.split(separator: "\n").filter { $0.hasPrefix("| render") }
        func unetCalls(_ step: String) -> Int? {
            rows.first { $0.contains(step) }.flatMap { Int($0.split(separator: "|")[1].trimmingCharacters(in: .whitespaces)) }
        }
        #expect(unetCalls("two layers") ?? 0 > 0)
        #expect(unetCalls("nothing changed") == 0)
        #expect(unetCalls("undo to a rendered state") == 0)
        #expect(unetCalls("hide a layer") == 2)  // the blend steps only

        let history = try #require(try json(ldb("history", "\(folder)/dream.ldbproj", "--json")) as? [String: Any])
        let parents = (history["revisions"] as? [[String: Any]] ?? []).compactMap { $0["parent"] as? Int }
        #expect(Set(parents).count < parents.count, "the demo made no branch")

        // What to try next names the binary by its absolute path, and the commands work as printed.
        let binary = ldbExecutable.resolvingSymlinksInPath().path
        #expect(result.stdout.contains("Try next"))
        #expect(result.stdout.contains("\(binary) layer add \(folder)/dream.ldbproj"))
        // Running it again starts afresh.
        try #require(try ldb(["demo", "out"], in: scratch.folder).succeeded)
    }

    @Test func anUnusableScaleIsRefused() throws {
        let scratch = try Scratch()
        let result = try ldb(["demo", "out", "--scale", "0"], in: scratch.folder)
        #expect(!result.succeeded)
        #expect(result.stderr.contains("--scale must be in 1...16"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out")))
    }
}
