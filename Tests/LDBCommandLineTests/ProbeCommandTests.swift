import Foundation
import LDBTensor
import Testing

/// `ldb model probe …` on the tiny models that diffusers wrote, against diffusers' own outputs.
@Suite("ldb model probe")
struct ProbeCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func model(_ name: String) -> String { fixtures.appendingPathComponent("models/\(name)").path }
    static func reference(_ name: String, _ file: String) -> String {
        fixtures.appendingPathComponent("reference/\(name)/\(file)").path
    }

    /// Every element within `1e-4 * max(1, max|reference|)` of the reference.
    private func expectClose(_ actual: Tensor, _ expected: Tensor, _ label: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.shape == expected.shape, "\(label): shape", sourceLocation: sourceLocation)
        let scale = max(1, expected.scalars.map(abs).max() ?? 0)
        let error = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error <= 1e-4 * scale, "\(label): max error \(error) at scale \(scale)", sourceLocation: sourceLocation)
    }

    private func output(_ scratch: Scratch, _ arguments: [String]) throws -> SafeTensorsFile {
        let out = scratch.path("out.safetensors")
        let result = try ldb(arguments + ["-o", out])
        try #require(result.succeeded, "ldb \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        return try SafeTensorsFile(contentsOf: URL(fileURLWithPath: out))
    }

    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func tokenizeMatchesTransformers(model: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.reference(model, "tokenize.json")))
        let reference = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let prompts = try #require(reference["prompts"] as? [[String: Any]])
        for entry in prompts {
            let prompt = try #require(entry["prompt"] as? String)
            let result = try json(ldb("model", "probe", "tokenize", "--model", Self.model(model), "--prompt", prompt,
                                      "--json"))
            let ids = (result as? [String: Any])?["input_ids"] as? [Int]
            #expect(ids == entry["input_ids"] as? [Int], "\(model): \(prompt.debugDescription)")
        }
    }

    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func textEncoderUNetAndVAEMatchDiffusers(model: String) throws {
        let scratch = try Scratch()
        let folder = Self.model(model)

        let text = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: Self.reference(model, "text_encoder.safetensors")))
        let prompt = try #require(text.metadata["prompt.0"])
        let encoded = try output(scratch, ["model", "probe", "text-encoder", "--model", folder, "--prompt", prompt])
        #expect(try encoded.int64s("input_ids") == text.int64s("input_ids.0"))
        expectClose(try encoded.tensor("last_hidden_state"), try text.tensor("last_hidden_state.0"), "text encoder")

        for file in ["unet.safetensors", "unet_float_timestep.safetensors"] {
            let reference = Self.reference(model, file)
            let out = try output(scratch, ["model", "probe", "unet", "--model", folder, "-i", reference])
            expectClose(try out.tensor("out"),
                        try SafeTensorsFile(contentsOf: URL(fileURLWithPath: reference)).tensor("out"), file)
        }

        let encodeReference = Self.reference(model, "vae_encode.safetensors")
        let moments = try output(scratch, ["model", "probe", "vae-encode", "--model", folder, "-i", encodeReference])
        let expectedMoments = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: encodeReference))
        expectClose(try moments.tensor("mean"), try expectedMoments.tensor("mean"), "vae mean")
        expectClose(try moments.tensor("logvar"), try expectedMoments.tensor("logvar"), "vae logvar")

        let decodeReference = Self.reference(model, "vae_decode.safetensors")
        let decoded = try output(scratch, ["model", "probe", "vae-decode", "--model", folder, "-i", decodeReference])
        expectClose(try decoded.tensor("sample"),
                    try SafeTensorsFile(contentsOf: URL(fileURLWithPath: decodeReference)).tensor("sample"), "vae decode")
    }

    @Test func repeatPrintsOneTimingPerEvaluation() throws {
        let scratch = try Scratch()
        let result = try ldb("model", "probe", "vae-decode", "--model", Self.model("tiny-sd1"),
                             "-i", Self.reference("tiny-sd1", "vae_decode.safetensors"),
                             "-o", scratch.path("o.safetensors"), "--repeat", "3")
        try #require(result.succeeded, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("vae-decode eval ") }
        #expect(lines.count == 3)
        #expect(lines.last?.range(of: #"^vae-decode eval 3: \d+\.\d+ s$"#, options: .regularExpression) != nil)
    }

    @Test func randnMatchesPyTorch() throws {
        let scratch = try Scratch()
        // The first latent of the reference trajectory is torch.randn((1,4,12,8), seed 1234) (init sigma 1).
        let reference = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: Self.reference("tiny-sd1", "sample.safetensors")))
        let out = try output(scratch, ["model", "probe", "randn", "--seed", "1234", "--shape", "1,4,12,8"])
        #expect(try out.tensor("randn") == reference.tensor("Z0"))
    }

    @Test(arguments: ["tiny-sd1", "tiny-sd2"])
    func trajectoriesMatchDiffusers(model: String) throws {
        let scratch = try Scratch()
        let sample = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: Self.reference(model, "sample.safetensors")))
        let meta = sample.metadata
        let keys = ["prompt", "negative_prompt", "steps", "guidance", "seed", "width", "height"]
        let values = try keys.map { key in try #require(meta[key], "metadata \(key)") }
        let generated = try output(scratch, [
            "model", "probe", "sample", "--model", Self.model(model), "--prompt", values[0], "--negative", values[1],
            "--steps", values[2], "--guidance", values[3], "--seed", values[4], "--size", "\(values[5])x\(values[6])",
        ])
        let steps = try #require(Int(values[2]))
        for index in 0...steps {
            expectClose(try generated.tensor("Z\(index)"), try sample.tensor("Z\(index)"), "\(model) Z\(index)")
        }

        let invertPath = Self.reference(model, "invert.safetensors")
        let invert = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: invertPath))
        let invertPrompt = try #require(invert.metadata["prompt"])
        let invertSteps = try #require(invert.metadata["steps"])
        let inverted = try output(scratch, [
            "model", "probe", "invert", "--model", Self.model(model), "-i", invertPath,
            "--prompt", invertPrompt, "--steps", invertSteps,
        ])
        for index in 0...steps {
            expectClose(try inverted.tensor("X\(index)"), try invert.tensor("X\(index)"), "\(model) X\(index)")
        }
    }

    @Test func badInputGivesClearErrors() throws {
        let scratch = try Scratch()
        try expectFailure(["model", "probe", "unet", "--model", scratch.path("nowhere"), "-i", "x", "-o", "y"],
                          message: "nowhere", unchanged: nil, scratch: scratch)
        try expectFailure(["model", "probe", "unet", "--model", Self.model("tiny-sd1"),
                           "-i", Self.reference("tiny-sd1", "vae_decode.safetensors"), "-o", scratch.path("o")],
                          message: "not found in", unchanged: nil, scratch: scratch)
        try expectFailure(["model", "probe", "randn", "--seed", "1", "--shape", "1,x", "-o", scratch.path("o")],
                          message: "shape", unchanged: nil, scratch: scratch)
        try expectFailure(["model", "probe", "sample", "--model", Self.model("tiny-sd1"), "--prompt", "p",
                           "--steps", "4", "--guidance", "2", "--seed", "1", "--size", "60x64", "-o", scratch.path("o")],
                          message: "60", unchanged: nil, scratch: scratch)
    }
}
