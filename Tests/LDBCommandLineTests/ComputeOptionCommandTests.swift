import Foundation
import LDBTensor
import Testing

/// `--compute bf16` end to end: an LDB edit (two layers) renders in bfloat16 close to float32's result, cached
/// apart from it; the option is refused with `--half-precision-weights`, and every command that loads networks
/// (serve included) lists it.
@Suite("--compute")
struct ComputeOptionCommandTests {
    /// Renders with `--stats`; the UNet calls the report names and the final latent.
    private func render(_ project: String, _ scratch: Scratch, _ extra: [String]) throws -> (calls: Int, latent: Tensor) {
        let latent = scratch.path("latent-\(UUID().uuidString).safetensors")
        let result = try ldb(["render", project, "-o", scratch.path("out.png"), "--latent-out", latent, "--stats"] + extra)
        try #require(result.succeeded, "render failed: \(result.stderr)")
        let calls = try #require(unetCalls(in: result.stdout), "no UNet count in: \(result.stdout)")
        return (calls, try SafeTensorsFile(contentsOf: URL(fileURLWithPath: latent)).tensor("latent"))
    }

    /// The number after "UNet calls" (or "UNet evaluations") in the `--stats` report.
    private func unetCalls(in report: String) -> Int? {
        for line in report.split(separator: "\n") where line.localizedCaseInsensitiveContains("unet") {
            if let number = line.split(whereSeparator: { !$0.isNumber }).first.flatMap({ Int($0) }) { return number }
        }
        return nil
    }

    @Test func anLDBEditInBFloat16IsCloseToFloat32AndCachedApart() throws {
        let scratch = try Scratch()
        let project = scratch.path("c.ldbproj")
        try ldbOK("new", project, "--model", ProbeCommandTests.model("tiny-sd1"), "--prompt", "a lighthouse",
                  "--seed", "3", "--size", "64x96", "--steps", "6")
        try ldbOK("layer", "add", project, "--name", "a", "--prompt", "red", "--box", "0,0,48,64", "--seed", "1",
                  "--regen-steps", "4")
        try ldbOK("layer", "add", project, "--name", "b", "--prompt", "blue", "--box", "16,32,48,64", "--seed", "2",
                  "--regen-steps", "5", "--feather", "2")

        let bfloat16 = try render(project, scratch, ["--compute", "bf16"])
        #expect(bfloat16.calls > 0)
        #expect(try render(project, scratch, ["--compute", "bf16"]).calls == 0)
        let float32 = try render(project, scratch, [])
        #expect(float32.calls == bfloat16.calls, "float32 found no bfloat16 result in its cache")
        #expect(try render(project, scratch, ["--compute", "fp32"]).calls == 0)

        // The final latents differ by bfloat16's rounding carried through 6 steps and two layers: 1.8e-2 relative
        // (L2) on this random model, whose latents reach 30; the tolerance is 5e-2.
        let difference = zip(bfloat16.latent.scalars, float32.latent.scalars).map { abs($0 - $1) }.max() ?? .infinity
        let scale = float32.latent.scalars.map(abs).max() ?? 0
        var squares = (difference: 0.0, norm: 0.0)
        for (a, b) in zip(bfloat16.latent.scalars, float32.latent.scalars) {
            squares.difference += Double(a - b) * Double(a - b)
            squares.norm += Double(b) * Double(b)
        }
        let relative = (squares.difference / squares.norm).squareRoot()
        #expect(difference > 0 && relative < 0.05, "largest difference \(difference) of \(scale), relative \(relative)")
    }

    @Test func bfloat16CannotBeCombinedWithHalfPrecisionWeights() throws {
        let result = try ldb(["model", "probe", "unet", "--model", ProbeCommandTests.model("tiny-sd1"),
                              "-i", ProbeCommandTests.reference("tiny-sd1", "unet.safetensors"), "-o", "/dev/null",
                              "--compute", "bf16", "--half-precision-weights"])
        #expect(!result.succeeded)
        #expect(result.stderr.contains("--compute bf16"))
        let unknown = try ldb(["model", "probe", "unet", "--compute", "fp8"])
        #expect(!unknown.succeeded && unknown.stderr.contains("fp8"))
    }

    @Test func helpDescribesTheOption() throws {
        for command in [["render"], ["demo"], ["serve"], ["model", "probe", "unet"], ["model", "probe", "vae-decode"],
                        ["model", "probe", "sample"]] {
            let help = try ldb(["help"] + command)
            #expect(help.stdout.contains("--compute") && help.stdout.contains("bfloat16"), "\(command.joined(separator: " "))")
        }
    }
}
