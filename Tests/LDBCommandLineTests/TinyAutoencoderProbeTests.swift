import Foundation
import LDBTensor
import Testing

/// `ldb model probe tiny-decode|tiny-encode` on `Fixtures/models/tiny-taesd`, against diffusers' AutoencoderTiny.
@Suite("ldb model probe tiny-decode and tiny-encode")
struct TinyAutoencoderProbeTests {
    static let model = ProbeCommandTests.fixtures.appendingPathComponent("models/tiny-taesd").path
    static let reference = ProbeCommandTests.fixtures.appendingPathComponent("taesd/tiny-taesd.safetensors").path

    /// Every element within `1e-5 × max(1, max|expected|)` of `expected`.
    private func expectClose(_ actual: Tensor, _ expected: Tensor, _ label: String) {
        #expect(actual.shape == expected.shape, "\(label): shape \(actual.shape)")
        let scale = max(1, expected.scalars.map(abs).max() ?? 0)
        let error = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error <= 1e-5 * scale, "\(label): max error \(error) at scale \(scale)")
    }

    private func run(_ probe: String, _ extra: [String] = [], scratch: Scratch) throws -> (SafeTensorsFile, LDBResult) {
        let out = scratch.path("\(probe).safetensors")
        let result = try ldb(["model", "probe", probe, "--model", Self.model, "-i", Self.reference, "-o", out] + extra)
        try #require(result.succeeded, "ldb model probe \(probe) failed: \(result.stderr)")
        return (try SafeTensorsFile(contentsOf: URL(fileURLWithPath: out)), result)
    }

    @Test func decodeAndEncodeMatchDiffusers() throws {
        let scratch = try Scratch()
        let expected = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: Self.reference))
        let (decoded, decodeRun) = try run("tiny-decode", ["--repeat", "2"], scratch: scratch)
        expectClose(try decoded.tensor("sample"), try expected.tensor("sample"), "tiny-decode")
        #expect(decodeRun.stdout.contains("wrote sample to"))
        #expect(decodeRun.stderr.split(separator: "\n").filter { $0.hasPrefix("tiny-decode eval ") }.count == 2)
        let (encoded, _) = try run("tiny-encode", scratch: scratch)
        expectClose(try encoded.tensor("latent"), try expected.tensor("encoded"), "tiny-encode")
    }

    @Test func aFolderWithoutATinyAutoencoderFailsNamingTheFileItLookedFor() throws {
        let scratch = try Scratch()
        let sd = ProbeCommandTests.model("tiny-sd1")
        let result = try ldb("model", "probe", "tiny-decode", "--model", sd, "-i", Self.reference,
                             "-o", scratch.path("out.safetensors"))
        #expect(!result.succeeded)
        #expect(result.stderr.contains("tiny-sd1/config.json: missing tiny autoencoder configuration"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out.safetensors")))

        let wrongInput = try ldb("model", "probe", "tiny-encode", "--model", Self.model,
                                 "-i", ProbeCommandTests.reference("tiny-sd1", "vae_decode.safetensors"),
                                 "-o", scratch.path("out.safetensors"))
        #expect(!wrongInput.succeeded)
        #expect(wrongInput.stderr.contains("image"), "\(wrongInput.stderr)")
    }
}
