import Foundation
import Testing

/// The editor end to end in a real browser: `ldb serve` on a project of the bundled tiny model, headless
/// Chromium driven through chromedriver (WebDriver from Swift, so the test needs nothing but the two Debian
/// packages), and after every step the document checked through the CLI. Screenshots of every step go to
/// `.build/editor-screenshots/` (replaced on each run, not committed).
@Suite("Editor in the browser", .serialized)
struct EditorBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let chromedriver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    // Hard limits keep a stuck browser from holding up CI: every WebDriver call gives up after 60 s, every wait
    // below after 30 s, and the processes the test starts are killed when it ends.
    @Test(.enabled(if: chromium != nil && chromedriver != nil,
                   "chromium and chromium-driver are not installed (.ci/install-deps installs them)"),
          .timeLimit(.minutes(3)))
    func paintTypeHideUndoRedoAndCheckOutATag() throws {
        let scratch = try Scratch()
        let project = scratch.path("demo.ldbproj")
        let model = Self.repository.appendingPathComponent("Fixtures/models/tiny-sd1").path
        try ldbOK("new", project, "--model", model, "--prompt", "a garden", "--seed", "3", "--size", "64x64",
                  "--steps", "4", "--blend-steps", "1")
        try ldbOK("layer", "add", project, "--name", "sky", "--prompt", "a blue sky", "--box", "0,0,64,24",
                  "--seed", "11")
        try ldbOK("tag", project, "start")

        let token = String(repeating: "0123456789abcdef", count: 2)
        let server = try BackgroundProcess(ldbExecutable, ["serve", scratch.folder.path, "--port", "0", "--token", token])
        defer { server.stop() }
        let url = try #require(URL(string: try server.line(startingWith: "ldb serve: open ")))
        #expect(url.query == "token=\(token)")

        let driverPort = try freePort()
        let driver = try BackgroundProcess(URL(fileURLWithPath: Self.chromedriver!), ["--port=\(driverPort)"])
        defer { driver.stop() }
        let browser = try WebDriver(port: driverPort, chromium: Self.chromium!)
        defer { browser.quit() }
        let screenshots = Self.repository.appendingPathComponent(".build/editor-screenshots")
        try? FileManager.default.removeItem(at: screenshots)
        try FileManager.default.createDirectory(at: screenshots, withIntermediateDirectories: true)
        var step = 0
        func snap(_ name: String) throws {
            step += 1
            try browser.screenshot(to: screenshots.appendingPathComponent(String(format: "%02d-%@.png", step, name)))
        }
        func cli(_ arguments: String...) throws -> Any { try json(ldb(arguments)) }
        func head() throws -> Int {
            try #require((try cli("history", project, "--json") as? [String: Any])?["head"] as? Int)
        }
        func sky() throws -> [String: Any] {
            let layers = try #require(try cli("layer", "list", project, "--json") as? [[String: Any]])
            return try #require(layers.first { $0["name"] as? String == "sky" })
        }
        /// Waits until the page shows and has rendered revision `revision`.
        func waitForRender(of revision: Int) throws {
            try wait("the render of revision \(revision)") {
                try browser.run("return document.body.dataset.renderedHead") as? String == String(revision)
            }
        }
        func renderChecksum() throws -> String {
            try #require(try browser.run("""
                const image = document.getElementById('render');
                const canvas = document.createElement('canvas');
                canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
                const context = canvas.getContext('2d');
                context.drawImage(image, 0, 0);
                const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
                let sum = 0;
                for (let i = 0; i < data.length; i++) sum = (sum * 31 + data[i]) % 1000000007;
                return String(sum);
                """) as? String)
        }

        // Open the start-up URL: the token goes into a cookie and the page loads the project.
        try browser.navigate(url)
        try wait("the page") { try browser.run("return document.body.dataset.ready") as? String == "true" }
        try waitForRender(of: 2)
        try snap("opened")
        #expect(try browser.run("return location.search") as? String == "?project=demo.ldbproj")

        // Paint a stroke on the selected layer ("sky") with the pointer: one revision on pointer-up.
        let maskBefore = try sky()["mask_sha256"] as? String
        try browser.click("#layers li[data-layer='\(try #require(try sky()["id"] as? Int))']")
        try browser.drag(on: "#overlay", through: [(-200, 150), (-100, 160), (0, 170), (100, 160), (200, 150)])
        try wait("the stroke's revision") { try head() == 3 }
        #expect(try sky()["mask_sha256"] as? String != maskBefore)
        let history = try #require(try cli("history", project, "--json") as? [String: Any])
        let last = try #require((history["revisions"] as? [[String: Any]])?.last)
        #expect(last["description"] as? String == "paint mask of \"sky\"")
        try waitForRender(of: 3)
        try snap("painted")

        // Type a prompt: committed when the field loses focus; the render changes.
        let beforePrompt = try renderChecksum()
        try browser.type("a red balloon" + WebDriver.Key.tab, into: "#layer-prompt")
        try wait("the prompt's revision") { try sky()["prompt"] as? String == "a red balloon" }
        #expect(try head() == 4)
        try waitForRender(of: 4)
        #expect(try renderChecksum() != beforePrompt, "the new prompt changed the picture")
        try snap("prompt")

        // Drag the opacity slider: the page previews the value without a revision, and commits one on release.
        let slider = "#layer-opacity"
        let width = try #require(try browser.run("""
            const slider = document.querySelector('\(slider)');
            slider.scrollIntoView({ block: 'center' });
            return Math.round(slider.getBoundingClientRect().width);
            """) as? Int)
        try browser.press(on: slider, from: (width / 2 - 4, 0), to: (-width / 4, 0))
        try wait("the preview of the dragged value") {
            try browser.run("return document.body.dataset.renderKind") as? String == "edit"
        }
        #expect(try head() == 4, "dragging writes no revision")
        try snap("dragging")
        try browser.release()
        try wait("the slider's revision") { try head() == 5 }
        let opacity = try #require(try sky()["opacity"] as? Double)
        #expect(opacity > 0 && opacity < 0.5, "released near a quarter of the slider: \(opacity)")
        try waitForRender(of: 5)

        // Hide the layer with its eye button.
        try browser.click("#layers li[data-layer='\(try #require(try sky()["id"] as? Int))'] .eye")
        try wait("the layer hidden") { try sky()["visible"] as? Bool == false }
        #expect(try head() == 6)
        try waitForRender(of: 6)
        try snap("hidden")

        // Undo and redo with the keyboard (focus on the page, not in a text field).
        try browser.click("header strong")
        try browser.press("z", holding: [WebDriver.Key.control])
        try wait("undo") { try head() == 5 }
        #expect(try sky()["visible"] as? Bool == true)
        try waitForRender(of: 5)
        try snap("undone")
        try browser.press("z", holding: [WebDriver.Key.control, WebDriver.Key.shift])
        try wait("redo (Ctrl+Shift+Z)") { try head() == 6 }
        #expect(try sky()["visible"] as? Bool == false)
        try browser.press("z", holding: [WebDriver.Key.control])
        try wait("undo again") { try head() == 5 }
        try browser.press("y", holding: [WebDriver.Key.control])
        try wait("redo (Ctrl+Y)") { try head() == 6 }
        try waitForRender(of: 6)
        try snap("redone")

        // Check out the tag "start" by clicking its revision in the history graph.
        try wait("the history shows the tag") {
            (try browser.run("return document.querySelector('#history g.revision[data-revision=\"2\"]')?.textContent ?? ''")
                as? String)?.contains("[start]") == true
        }
        try browser.click("#history g.revision[data-revision='2'] circle")
        try wait("checkout of the tag") { try head() == 2 }
        let layer = try sky()
        #expect(layer["prompt"] as? String == "a blue sky")
        #expect(layer["visible"] as? Bool == true)
        #expect(layer["mask_sha256"] as? String == maskBefore)
        try waitForRender(of: 2)
        try snap("checked-out")

        // An edit from the CLI while the page is open shows up in the page.
        try ldbOK("layer", "set", project, "sky", "--strength", "0.3")
        try wait("the CLI's edit in the page") {
            try browser.run("return document.getElementById('layer-strength').value") as? String == "0.3"
        }
        try snap("cli-edit")
    }
}

/// Polls `condition` until it holds, failing after `timeout` seconds with `what`.
func wait(_ what: String, timeout: TimeInterval = 30, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if (try? condition()) == true { return }
        Thread.sleep(forTimeInterval: 0.1)
    }
    throw WebDriver.Failure(description: "timed out waiting for \(what)")
}
