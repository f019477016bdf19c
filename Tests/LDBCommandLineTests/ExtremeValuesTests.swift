import Foundation
import LDBTensor
import Testing

/// Every numeric option of every command, through extreme values: each is refused with a message and leaves the
/// project as it was, or is accepted and the project then renders to a finite picture. Nothing traps.
@Suite("Extreme values")
struct ExtremeValuesTests {
    static let extremes = ["0", "-1", "nan", "inf", "-inf", "1e39", "9223372036854775807", "-9223372036854775808",
                           "18446744073709551615", ""]
    static let sizes = ["0x0", "-8x8", "8x8", "1x1", "13x7", "4097x1", "4294967296x4294967296",
                        "9223372036854775807x8", "x", ""]
    static let boxes = ["0,0,0,0", "-1,-1,8,8", "9223372036854775807,0,9223372036854775807,8",
                        "0,0,9223372036854775807,9223372036854775807", "-9223372036854775808,0,8,8", ""]

    /// One command line to try; `edits` when it edits the project, `probe` when it only writes tensors.
    struct Case: CustomStringConvertible {
        var arguments: [String]
        var edits: Bool
        var probe = false
        var description: String { "ldb " + arguments.map { $0.debugDescription }.joined(separator: " ") }
    }

    /// A rendered 32x32 project (so that every later render reuses its base) with one layer named "roof".
    private func pristineProject(_ scratch: Scratch) throws -> String {
        let project = try IssueReproducerTests.tinyProject(scratch, name: "pristine.ldbproj")
        try ldbOK("render", project, "-o", scratch.path("pristine.png"))
        return project
    }

    private func cases(project: String, scratch: Scratch) -> [Case] {
        var cases: [Case] = []
        let newProject = ["new", scratch.path("new.ldbproj"), "--model", scratch.model.path, "--prompt", "x"]
        let small = ["--size", "32x32", "--steps", "4", "--blend-steps", "1"]
        for option in ["--seed", "--steps", "--guidance", "--blend-steps"] {
            for value in Self.extremes {
                // The other options keep the test fast; the one under test comes last and wins.
                cases.append(Case(arguments: newProject + small + [option, value], edits: false))
            }
        }
        for value in Self.sizes {
            cases.append(Case(arguments: newProject + ["--steps", "4", "--blend-steps", "1", "--size", value], edits: false))
        }
        let layerOptions = ["--seed", "--regen-steps", "--strength", "--guidance", "--opacity", "--feather"]
        for option in layerOptions {
            for value in Self.extremes {
                cases.append(Case(arguments: ["layer", "add", project, "--prompt", "p", "--box", "8,8,8,8", option, value],
                                  edits: true))
                cases.append(Case(arguments: ["layer", "set", project, "roof", option, value], edits: true))
            }
        }
        for value in Self.boxes {
            cases.append(Case(arguments: ["layer", "add", project, "--prompt", "p", "--box", value], edits: true))
            cases.append(Case(arguments: ["layer", "set", project, "roof", "--box", value], edits: true))
        }
        for value in Self.extremes {
            cases.append(Case(arguments: ["layer", "move", project, "roof", "--to", value], edits: true))
            cases.append(Case(arguments: ["undo", project, value], edits: true))
            cases.append(Case(arguments: ["redo", project, value], edits: true))
            cases.append(Case(arguments: ["checkout", project, value], edits: true))
            cases.append(Case(arguments: ["tag", project, "t", value], edits: true))
            cases.append(Case(arguments: ["layer", "show", project, value], edits: true))
        }
        let probeOutput = ["-o", scratch.path("probe.safetensors")]
        let sample = ["model", "probe", "sample", "--model", scratch.model.path, "--prompt", "p", "--seed", "1",
                      "--steps", "2", "--guidance", "2", "--size", "32x32"]
        for value in Self.extremes {
            for option in ["--seed", "--steps", "--guidance"] {
                cases.append(Case(arguments: sample + probeOutput + [option, value], edits: false, probe: true))
            }
            cases.append(Case(arguments: ["model", "probe", "randn", "--seed", value, "--shape", "2,2"] + probeOutput,
                              edits: false, probe: true))
            cases.append(Case(arguments: ["model", "probe", "randn", "--seed", "1", "--shape", "\(value),2"] + probeOutput,
                              edits: false, probe: true))
            cases.append(Case(arguments: ["model", "probe", "vae-decode", "--model", scratch.model.path,
                                          "-i", scratch.path("latent-in.safetensors"), "--repeat", value] + probeOutput,
                              edits: false, probe: true))
        }
        for value in Self.sizes {
            cases.append(Case(arguments: sample + probeOutput + ["--size", value], edits: false, probe: true))
        }
        return cases
    }

    @Test func everyNumericOptionAtItsExtremes() throws {
        let scratch = try Scratch()
        let pristine = try pristineProject(scratch)
        try SafeTensorsWriter.write(["latent": Tensor(shape: [1, 4, 4, 4], repeating: 0.5)],
                                    to: URL(fileURLWithPath: scratch.path("latent-in.safetensors")))
        let project = scratch.path("p.ldbproj")
        var accepted = 0
        for testCase in cases(project: project, scratch: scratch) {
            try? FileManager.default.removeItem(atPath: project)
            try? FileManager.default.removeItem(atPath: scratch.path("new.ldbproj"))
            try FileManager.default.copyItem(atPath: pristine, toPath: project)
            let before = try scratch.digest(project)
            // A minute is a hundred times what any case needs: past it, the command hangs.
            let result = try ldb(testCase.arguments, timeout: 60)
            #expect(!result.crashed, "trapped or hung: \(testCase)\n\(result.stderr)")
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("NSCocoaErrorDomain"),
                    "\(testCase)\n\(result.stderr)")
            guard result.succeeded else {
                #expect(!result.stderr.isEmpty, "refused without a message: \(testCase)")
                #expect(try scratch.digest(project) == before, "refused but changed the project: \(testCase)")
                #expect(!FileManager.default.fileExists(atPath: scratch.path("new.ldbproj")),
                        "refused but created a project: \(testCase)")
                continue
            }
            accepted += 1
            if testCase.probe { continue }
            let rendered = testCase.edits ? project : scratch.path("new.ldbproj")
            try expectFiniteRender(rendered, scratch, testCase)
        }
        // Sanity: the cases hold values that are accepted (0, a seed of 2^64 - 1), not only refusals.
        #expect(accepted >= 10)
    }

    private func expectFiniteRender(_ project: String, _ scratch: Scratch, _ testCase: Case) throws {
        let latentPath = scratch.path("latent.safetensors")
        let render = try ldb("render", project, "-o", scratch.path("out.png"), "--latent-out", latentPath)
        #expect(render.succeeded, "accepted but does not render: \(testCase)\n\(render.stderr)")
        guard render.succeeded else { return }
        let latent = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: latentPath)).tensor("latent")
        let finite = latent.scalars.allSatisfy { $0.isFinite }
        #expect(finite, "accepted but renders a non-finite latent: \(testCase)")
    }
}
