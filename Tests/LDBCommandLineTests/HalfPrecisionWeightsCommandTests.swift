import Foundation
import LDBTensor
import Testing

/// `--half-precision-weights` end to end: the probes give exactly the fp16 variant's outputs (tiny-sd1's fp16
/// files hold its UNet and text encoder), and a render with it works and caches apart from float32 renders.
@Suite("--half-precision-weights")
struct HalfPrecisionWeightsCommandTests {
    private func probe(_ scratch: Scratch, _ arguments: [String]) throws -> SafeTensorsFile {
        let out = scratch.path("probe-\(UUID().uuidString).safetensors")
        let result = try ldb(["model", "probe"] + arguments + ["-o", out])
        try #require(result.succeeded, "ldb model probe \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        return try SafeTensorsFile(contentsOf: URL(fileURLWithPath: out))
    }

    @Test func probesGiveTheFP16VariantsOutputs() throws {
        let scratch = try Scratch()
        let model = ["--model", ProbeCommandTests.model("tiny-sd1")]
        let half = ["--half-precision-weights"], fp16 = ["--variant", "fp16"]

        let unet = ["unet"] + model + ["-i", ProbeCommandTests.reference("tiny-sd1", "unet.safetensors")]
        #expect(try probe(scratch, unet + half).tensor("out") == (try probe(scratch, unet + fp16).tensor("out")))

        let text = ["text-encoder"] + model + ["--prompt", "a lighthouse at dusk"]
        #expect(try probe(scratch, text + half).tensor("last_hidden_state")
                == (try probe(scratch, text + fp16).tensor("last_hidden_state")))

        let sample = ["sample"] + model + ["--prompt", "a cat", "--steps", "2", "--guidance", "7.5", "--seed", "1",
                                           "--size", "64x64"]
        #expect(try probe(scratch, sample + half).tensor("Z2") == (try probe(scratch, sample + fp16).tensor("Z2")))

        // The VAE has no fp16 file: half precision is close to float32, not equal.
        let decode = ["vae-decode"] + model + ["-i", ProbeCommandTests.reference("tiny-sd1", "vae_decode.safetensors")]
        let halfSample = try probe(scratch, decode + half).tensor("sample")
        let float32Sample = try probe(scratch, decode).tensor("sample")
        let difference = zip(halfSample.scalars, float32Sample.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference > 0 && difference < 1e-2, "max difference \(difference)")

        let encode = ["vae-encode"] + model + ["-i", ProbeCommandTests.reference("tiny-sd1", "vae_encode.safetensors")]
        #expect(try probe(scratch, encode + half).tensor("mean").shape == [1, 4, 8, 12])
    }

    @Test func renderWithHalfPrecisionWeightsCachesApartFromFloat32() throws {
        let scratch = try Scratch()
        let project = scratch.path("h.ldbproj")
        try ldbOK("new", project, "--model", ProbeCommandTests.model("tiny-sd1"), "--prompt", "a lighthouse",
                  "--seed", "3", "--size", "64x64", "--steps", "4")
        func render(_ extra: [String]) throws -> String {
            let result = try ldb(["render", project, "-o", scratch.path("out.png"), "--stats"] + extra)
            try #require(result.succeeded, "render failed: \(result.stderr)")
            return result.stdout
        }
        // No layers: a render is the N base steps (and a decode), then a hit of the render cache.
        #expect(try render(["--half-precision-weights"]).contains("UNet evaluations: 4 calls"))
        #expect(try render(["--half-precision-weights"]).contains("UNet evaluations: 0 calls"))
        #expect(try render([]).contains("UNet evaluations: 4 calls"))
        #expect(try render([]).contains("UNet evaluations: 0 calls"))
    }

    @Test func helpDescribesTheOption() throws {
        for command in [["render"], ["demo"], ["model", "probe", "unet"], ["model", "probe", "vae-decode"],
                        ["model", "probe", "vae-encode"], ["model", "probe", "text-encoder"],
                        ["model", "probe", "sample"], ["model", "probe", "invert"]] {
            let help = try ldb(["help"] + command)
            #expect(help.stdout.contains("--half-precision-weights") && help.stdout.contains("half precision"),
                    "\(command.joined(separator: " "))")
        }
    }
}
