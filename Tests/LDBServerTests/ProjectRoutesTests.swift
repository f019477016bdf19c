import Foundation
import LDBDocument
import LDBEditing
import LDBImage
import Testing

/// Listing, opening and creating projects; only projects under the served paths are reachable.
@Suite final class ProjectRoutesTests {
    let server: TestServer

    init() async throws {
        server = try await TestServer(projects: ["demo.ldbproj", "other.ldbproj"])
    }

    deinit {
        server.stop()
    }

    @Test func listsTheProjectsOfTheFolder() async throws {
        try Data("not a project".utf8).write(to: server.folder.appendingPathComponent("notes.txt"))
        let list = try await server.expect(200, "GET", "/api/projects")
        #expect(list["projects"] as? [String] == ["demo.ldbproj", "other.ldbproj"])
        #expect(list["can_create"] as? Bool == true)
    }

    @Test func projectInfoMirrorsTheCLI() async throws {
        let info = try await server.expect(200, "GET", "/api/projects/demo.ldbproj")
        #expect(info["project"] as? String == "demo.ldbproj")
        #expect(info["head"] as? Int == 1)
        #expect(info["width"] as? Int == 64)
        #expect(info["blend_steps"] as? Int == 1)
        #expect(info["seed"] as? Int == 7)
        #expect(info["source_image_sha256"] is NSNull)
        #expect((info["layers"] as? [Any])?.count == 0)
    }

    @Test func projectIsTheCLIsInfoShapeNamedByItsServedName() async throws {
        let url = server.folder.appendingPathComponent("demo.ldbproj")
        try await server.expect(200, "POST", "/api/projects/demo.ldbproj/layers", json: ["base": 1, "prompt": "a sky"])
        let project = try Project.open(at: url)
        let response = try await server.request("GET", "/api/projects/demo.ldbproj")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let answer = try decoder.decode(ProjectInfoJSON.self, from: response.body)
        let expected = ProjectInfoJSON(project: "demo.ldbproj", formatVersion: try project.formatVersionOnDisk(),
                                       head: try project.head(), state: try project.state(), model: try project.model())
        #expect(answer == expected)
    }

    @Test func pathTraversalAndOtherFilesAreUnreachable() async throws {
        let outside = try TestServer.scratchFolder()
        try TestServer.makeProject(at: outside.appendingPathComponent("secret.ldbproj"))
        try FileManager.default.createSymbolicLink(
            at: server.folder.appendingPathComponent("link.ldbproj"),
            withDestinationURL: outside.appendingPathComponent("secret.ldbproj"))
        for (path, status) in [
            ("/api/projects/..%2F\(outside.lastPathComponent)%2Fsecret.ldbproj", 400),
            ("/api/projects/%2E%2E", 400),
            ("/api/projects/.hidden.ldbproj", 400),
            ("/api/projects/notes.txt", 400),
            ("/api/projects/missing.ldbproj", 404),
            ("/api/projects/link.ldbproj", 403),
            ("/api/projects/link.ldbproj/history", 403),
        ] {
            let response = try await server.request("GET", "\(path)")
            #expect(response.status == status, "\(path): \(response.text)")
            #expect(response.errorMessage != nil, "\(path)")
        }
        let list = try await server.expect(200, "GET", "/api/projects")
        #expect(list["projects"] as? [String] == ["demo.ldbproj", "other.ldbproj"], "the link is not listed")
    }

    @Test func servingOneFileReachesOnlyThatFile() async throws {
        let single = try await TestServer(projects: [], paths: [server.folder.appendingPathComponent("demo.ldbproj")],
                                    folder: server.folder)
        defer { single.stop() }
        #expect(try await single.expect(200, "GET", "/api/projects")["projects"] as? [String] == ["demo.ldbproj"])
        #expect(try await single.request("GET", "/api/projects/other.ldbproj").status == 404)
    }

    @Test func createsAGeneratedProject() async throws {
        let answer = try await server.expect(201, "POST", "/api/projects", json: [
            "name": "new.ldbproj", "prompt": "a lighthouse", "seed": "18446744073709551615", "width": 32, "height": 48,
            "steps": 6,
        ])
        let project = try #require(answer["project"] as? [String: Any])
        #expect(project["project"] as? String == "new.ldbproj")
        let settings = try Project.open(at: server.folder.appendingPathComponent("new.ldbproj")).state().settings
        #expect(settings.seed == UInt64.max)
        #expect(settings.width == 32)
        #expect(settings.height == 48)
        #expect(settings.steps == 6)
        #expect(settings.prompt == "a lighthouse")
    }

    @Test func createsAProjectOfAnyImageSize() async throws {
        try await server.expect(201, "POST", "/api/projects", json: [
            "name": "odd.ldbproj", "prompt": "x", "seed": 1, "width": 61, "height": 47,
        ])
        let settings = try Project.open(at: server.folder.appendingPathComponent("odd.ldbproj")).state().settings
        #expect((settings.width, settings.height) == (61, 47))
    }

    @Test func createsAProjectFromAnUploadedPNG() async throws {
        let image = try RGBImage(width: 16, height: 24, pixels: [UInt8](repeating: 90, count: 16 * 24 * 3))
        let png = try image.pngData()
        try await server.expect(201, "POST", "/api/projects", json: ["name": "photo.ldbproj", "image_png": png.base64EncodedString()])
        let project = try Project.open(at: server.folder.appendingPathComponent("photo.ldbproj"))
        let settings = try project.state().settings
        #expect(settings.width == 16)
        #expect(settings.seed == nil)
        #expect(try project.blob(try #require(settings.sourceImageSHA256)) == png)
    }

    @Test func settingsAreCheckedAgainstTheModelsScheduleLikeLdbSet() async throws {
        let before = try Project.open(at: server.folder.appendingPathComponent("demo.ldbproj")).state()
        // The tiny model's schedule (leading spacing, steps_offset 1) reaches timestep 1000 with 1000 steps.
        let response = try await server.request("PATCH", "/api/projects/demo.ldbproj/settings",
                                                json: ["base": 1, "steps": 1000])
        #expect(response.status == 422, "\(response.text)")
        #expect(response.errorMessage?.contains("steps 1000 cannot be rendered with this model") == true,
                "\(response.text)")
        #expect(try await server.head() == 1)
        #expect(try Project.open(at: server.folder.appendingPathComponent("demo.ldbproj")).state() == before)
        try await server.expect(200, "PATCH", "/api/projects/demo.ldbproj/settings", json: ["base": 1, "steps": 999])
    }

    @Test func regionModeIsABaseSettingLikeLdbSet() async throws {
        let url = server.folder.appendingPathComponent("demo.ldbproj")
        try await server.expect(200, "PATCH", "/api/projects/demo.ldbproj/settings",
                                json: ["base": 1, "region": "crop", "region_margin": 3])
        let settings = try Project.open(at: url).state().settings
        #expect(settings.region == .crop)
        #expect(settings.regionMargin == 3)
        let before = try Project.open(at: url).state()
        for body: [String: Any] in [["base": 2, "region": "diagonal"], ["base": 2, "region_margin": -1]] {
            let response = try await server.request("PATCH", "/api/projects/demo.ldbproj/settings", json: body)
            #expect((400..<500).contains(response.status), "\(body): \(response.text)")
        }
        #expect(try Project.open(at: url).state() == before)
    }

    @Test func refusesBadNewProjects() async throws {
        let cases: [([String: Any], Int, String)] = [
            (["name": "../escape.ldbproj", "prompt": "x"], 400, "must be a plain file name"),
            (["name": "x.txt", "prompt": "x"], 400, "ending in .ldbproj"),
            (["name": "demo.ldbproj", "prompt": "x"], 409, "already exists"),
            (["name": "a.ldbproj"], 400, "give 'image_png'"),
            (["name": "a.ldbproj", "prompt": "x", "width": 0], 422, "width 0 must be a positive number of pixels"),
            (["name": "a.ldbproj", "prompt": "x", "width": 3000, "height": 64], 422, "up to 2048"),
            (["name": "a.ldbproj", "image_png": "bm90IGEgcG5n"], 422, "image"),
            (["name": "a.ldbproj", "image_png": "***"], 400, "base64"),
            (["name": "a.ldbproj", "prompt": 5], 400, "field 'prompt': expected a string"),
            (["name": "a.ldbproj", "prompt": "x", "seed": -1], 400, "field 'seed'"),
            (["name": "a.ldbproj", "prompt": "x", "colour": "red"], 400, "unknown field 'colour'"),
            (["prompt": "x"], 400, "field 'name' is required"),
        ]
        for (body, status, message) in cases {
            let response = try await server.request("POST", "/api/projects", json: body)
            #expect(response.status == status, "\(body): \(response.text)")
            #expect(response.errorMessage?.contains(message) == true, "\(body): \(response.text)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: server.folder.path).sorted()
        #expect(names == ["demo.ldbproj", "other.ldbproj"], "no refused request left a file behind")
    }
}
