import Foundation
import LDBImage
import Testing

/// The friction a new user met in the first hour (issue 12), removed.
@Suite("ldb: a first hour without surprises")
struct FirstHourTests {
    @Test func helpForAnUnknownCommandFails() throws {
        let bogus = try ldb("help", "bogus")
        #expect(bogus.status != 0)
        #expect(bogus.stderr.contains("bogus"))
        #expect(try ldb("help", "layer", "nope").status != 0)
        #expect(try ldb("help", "layer", "add").succeeded)
    }

    @Test func layerSetHelpShowsNoDefaults() throws {
        let set = try ldbOK("layer", "set", "--help").stdout
        #expect(!set.contains("Default: 0.7") && !set.contains("random seed"), "\(set)")
        #expect(set.contains("keeps the layer's value"))
        let add = try ldbOK("layer", "add", "--help").stdout
        #expect(add.contains("strength 0.7") && add.contains("random seed"), "\(add)")
    }

    @Test func namesWithControlCharactersAreRefused() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject()
        for name in ["a\tb", "a\nb", "a\u{1B}b"] {
            try expectFailure(["layer", "add", project, "--name", name, "--prompt", "p", "--box", "0,0,8,8"],
                              message: "control characters", unchanged: project, scratch: scratch)
        }
        try ldbOK("layer", "add", project, "--name", "ok", "--prompt", "p", "--box", "0,0,8,8")
        try expectFailure(["layer", "set", project, "ok", "--name", "x\ty"], message: "control characters",
                          unchanged: project, scratch: scratch)
        try expectFailure(["tag", project, "a\tb"], message: "tag name", unchanged: project, scratch: scratch)
    }

    @Test func tagsAreListedAndDeleted() throws {
        let scratch = try Scratch()
        let project = try scratch.newProject()
        try ldbOK("layer", "add", project, "--name", "a", "--prompt", "p", "--box", "0,0,8,8")
        #expect(try ldbOK("tag", project).stdout.contains("no tags"))
        try ldbOK("tag", project, "first", "1")
        try ldbOK("tag", project, "second")
        let listed = try #require(try json(ldb("tag", project, "--list", "--json")) as? [[String: Any]])
        #expect(listed.map { $0["name"] as? String } == ["first", "second"])
        #expect(listed.map { $0["revision"] as? Int } == [1, 2])
        #expect(try ldbOK("tag", project).stdout.contains("second  revision 2"))
        try ldbOK("tag", project, "--delete", "first")
        #expect(try ldbOK("tag", project, "--list").stdout.contains("first") == false)
        try expectFailure(["tag", project, "--delete", "first"], message: "first", unchanged: project, scratch: scratch)
        try expectFailure(["tag", project, "--delete", "HEAD"], message: "HEAD", unchanged: project, scratch: scratch)
        try ldbOK("checkout", project, "second")
    }

    @Test func infoJSONCarriesWhatTheTextShows() throws {
        let scratch = try Scratch()
        let source = scratch.path("photo.png")
        try RGBImage(width: 32, height: 24, pixels: [UInt8](repeating: 90, count: 32 * 24 * 3))
            .writePNG(to: URL(fileURLWithPath: source))
        let photo = scratch.path("photo.ldbproj")
        try ldbOK("new", photo, "--model", scratch.model.path, "--image", source)
        let info = try #require(try json(ldb("info", photo, "--json")) as? [String: Any])
        let model = try #require(info["model"] as? [String: Any])
        #expect(model["location"] as? String == scratch.model.path)
        #expect((model["fingerprint"] as? String)?.count == 64)
        #expect((info["source_image_sha256"] as? String)?.count == 64)
        // A photo's unedited pixels stay the photo's by default; a generated project does not keep a background.
        #expect(info["keep_background"] as? Bool == true)
        #expect(info["project"] as? String == photo)
        let text = try ldbOK("info", photo).stdout
        #expect(text.contains("keep bg   yes"))

        let generated = try scratch.newProject()
        let generatedInfo = try #require(try json(ldb("info", generated, "--json")) as? [String: Any])
        #expect(generatedInfo["keep_background"] as? Bool == false)
        #expect(generatedInfo["source_image_sha256"] is NSNull)
        let kept = scratch.path("kept.ldbproj")
        try ldbOK("new", kept, "--model", scratch.model.path, "--image", source, "--no-keep-background")
        #expect((try json(ldb("info", kept, "--json")) as? [String: Any])?["keep_background"] as? Bool == false)
    }

    @Test func keepBackgroundHelpSaysHowFarTheRenderReaches() throws {
        let help = try ldbOK("render", "--help").stdout
        #expect(help.contains("grown by 8 pixels") && help.contains("30 pixels"), "\(help)")
    }

    @Test func foldersGivenAsFilesAreNamedInSentences() throws {
        let scratch = try Scratch()
        for command in [["info", scratch.folder.path], ["layer", "list", scratch.folder.path],
                        ["render", scratch.folder.path, "-o", scratch.path("x.png")]] {
            let result = try ldb(command)
            #expect(result.status != 0)
            #expect(result.stderr.contains("is a folder") && result.stderr.contains(scratch.folder.path), "\(result.stderr)")
            #expect(!result.stderr.contains("NSCocoaErrorDomain"))
        }
        let project = try scratch.newProject()
        let result = try ldb("render", project, "-o", scratch.folder.path)
        #expect(result.status != 0 && result.stderr.contains("is a folder"), "\(result.stderr)")
    }

    @Test func longPromptsWarnHowManyTokensAreDropped() throws {
        let scratch = try Scratch()
        let long = Array(repeating: "a", count: 80).joined(separator: " ")
        let project = scratch.path("long.ldbproj")
        let created = try ldbOK("new", project, "--model", scratch.model.path, "--prompt", long, "--seed", "1",
                                "--size", "32x32")
        #expect(created.stderr.contains("--prompt is longer than the 75 tokens") && created.stderr.contains("last 5 tokens"),
                "\(created.stderr)")
        let added = try ldbOK("layer", "add", project, "--prompt", long, "--box", "0,0,8,8", "--name", "x")
        #expect(added.stderr.contains("last 5 tokens"))
        let set = try ldbOK("layer", "set", project, "x", "--negative", long + " a")
        #expect(set.stderr.contains("--negative") && set.stderr.contains("last 6 tokens"))
        #expect(try ldbOK("layer", "set", project, "x", "--prompt", "short").stderr.isEmpty)
    }

    @Test func modelInspectTakesTheModelAsAnArgument() throws {
        let scratch = try Scratch()
        let positional = try #require(try json(ldb("model", "inspect", scratch.model.path, "--json")) as? [String: Any])
        let option = try #require(try json(ldb("model", "inspect", "--model", scratch.model.path, "--json")) as? [String: Any])
        #expect(positional["fingerprint"] as? String == option["fingerprint"] as? String)
        #expect(try ldb("model", "inspect").status != 0)
        #expect(try ldb("model", "inspect", scratch.model.path, "--model", scratch.model.path).status != 0)
    }
}
