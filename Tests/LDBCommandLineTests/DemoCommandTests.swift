import Foundation
import LDBImage
import Testing

@Suite("ldb demo")
struct DemoCommandTests {
    @Test func theScriptedSessionRendersAndReportsItsCosts() throws {
        let scratch = try Scratch()
        let folder = scratch.path("demo")
        let arguments = ["demo", folder, "--model", ProbeCommandTests.model("tiny-sd1"),
                         "--image", ProbeCommandTests.reference("tiny-sd2", "invert_image.png")]
        let result = try ldb(arguments)
        try #require(result.succeeded, "demo failed: \(result.stderr)")
        #expect(result.stdout.contains("$ ldb undo"))

        for picture in ["1-two-layers", "2-sky-hidden", "3-undone", "4-branch", "5-photo-edit"] {
            let image = try RGBImage(png: URL(fileURLWithPath: "\(folder)/\(picture).png"))
            #expect(picture == "5-photo-edit" ? (image.width, image.height) == (96, 64)
                                              : (image.width, image.height) == (64, 96))
        }
        // The report's rows: a render that repeats a known state costs no UNet call.
        let report = try String(contentsOfFile: "\(folder)/report.md", encoding: .utf8)
        let rows = report.split(separator: "\n").filter { $0.hasPrefix("| render") }
        func unetCalls(_ step: String) -> Int? {
            rows.first { $0.contains(step) }.flatMap { Int($0.split(separator: "|")[1].trimmingCharacters(in: .whitespaces)) }
        }
        #expect(unetCalls("first render") ?? 0 > 0)
        #expect(unetCalls("nothing changed") == 0)
        #expect(unetCalls("undo to a rendered state") == 0)
        #expect(unetCalls("hide a layer") == 2)  // the blend steps only

        let history = try #require(try json(ldb("history", "\(folder)/dream.ldbproj", "--json")) as? [String: Any])
        let parents = (history["revisions"] as? [[String: Any]] ?? []).compactMap { $0["parent"] as? Int }
        #expect(Set(parents).count < parents.count, "the demo made no branch")
        // Running it again starts afresh.
        try #require(try ldb(arguments).succeeded)
    }
}
