import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// `AutoencoderTiny` against diffusers' (`Fixtures/scripts/taesd_fixtures.py`): the tiny configuration of
/// `Fixtures/models/tiny-taesd` always, TAESD's real configuration when `LDB_TAESD_RANDOM` names the folder that
/// the script's `--full-size` wrote.
@Suite struct AutoencoderTinyTests {
    static let tinyModel = ModelFolderFixtures.model("tiny-taesd")
    static let fullSizeFolder = ProcessInfo.processInfo.environment["LDB_TAESD_RANDOM"]

    static func tinyReference() throws -> SafeTensorsFile {
        try SafeTensorsFile(contentsOf: ModelFolderFixtures.root.appendingPathComponent("taesd/tiny-taesd.safetensors"))
    }

    /// Every element within `1e-5 × max(1, max|expected|)` of `expected`.
    func expectClose(_ actual: Tensor, _ expected: Tensor, _ label: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.shape == expected.shape, "\(label): shape \(actual.shape)", sourceLocation: sourceLocation)
        let difference = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity
        let tolerance = 1e-5 * max(1, expected.scalars.map(abs).max() ?? 0)
        #expect(difference <= tolerance, "\(label): max difference \(difference), tolerance \(tolerance)",
                sourceLocation: sourceLocation)
    }

    @Test func readsTheTinyConfiguration() throws {
        let autoencoder = try AutoencoderTiny.load(Self.tinyModel.path)
        #expect(autoencoder.configuration == AutoencoderTinyConfiguration(
            encoderChannels: 8, encoderBlockCounts: [1, 2, 1, 2], decoderChannels: 12, decoderBlockCounts: [2, 1, 2, 1]))
        #expect(autoencoder.configuration.upsamplingFactor == 8)
        #expect(autoencoder.configuration.downsamplingFactor == 8)
    }

    @Test func decodeMatchesDiffusers() throws {
        let autoencoder = try AutoencoderTiny.load(Self.tinyModel.path)
        let reference = try Self.tinyReference()
        let sample = try autoencoder.decode(reference.tensor("latent", shape: [2, 4, 5, 7]))
        expectClose(sample, try reference.tensor("sample", shape: [2, 3, 40, 56]), "decode")
    }

    /// A 44×60 image: every stride-2 convolution rounds an odd size up, as PyTorch's do.
    @Test func encodeMatchesDiffusers() throws {
        let autoencoder = try AutoencoderTiny.load(Self.tinyModel.path)
        let reference = try Self.tinyReference()
        let latent = try autoencoder.encode(reference.tensor("image", shape: [2, 3, 44, 60]))
        expectClose(latent, try reference.tensor("encoded", shape: [2, 4, 6, 8]), "encode")
    }

    @Test func halfPrecisionWeightsStayCloseToFloat32() throws {
        let reference = try Self.tinyReference()
        let latent = try reference.tensor("latent", shape: [2, 4, 5, 7])
        let float32 = try AutoencoderTiny.load(Self.tinyModel.path).decode(latent)
        let half = try AutoencoderTiny.load(Self.tinyModel.path, precision: .float16).decode(latent)
        let difference = zip(half.scalars, float32.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference > 0 && difference < 1e-2 * (float32.scalars.map(abs).max() ?? 0))
    }

    @Test(.enabled(if: fullSizeFolder != nil, "LDB_TAESD_RANDOM names the folder of taesd_fixtures.py --full-size"))
    func realConfigurationMatchesDiffusers() throws {
        let folder = try #require(Self.fullSizeFolder)
        let autoencoder = try AutoencoderTiny.load(folder)
        #expect(autoencoder.configuration == AutoencoderTinyConfiguration())
        let reference = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent("reference.safetensors"))
        expectClose(try autoencoder.decode(reference.tensor("latent", shape: [1, 4, 8, 8])),
                    try reference.tensor("sample", shape: [1, 3, 64, 64]), "decode")
        expectClose(try autoencoder.encode(reference.tensor("image", shape: [1, 3, 64, 64])),
                    try reference.tensor("encoded", shape: [1, 4, 8, 8]), "encode")
    }

    @Test func rejectsInputsOfTheWrongShape() throws {
        let autoencoder = try AutoencoderTiny.load(Self.tinyModel.path)
        for latent in [Tensor(shape: [1, 3, 8, 8]), Tensor(shape: [1, 4, 0, 8]), Tensor(shape: [4, 8, 8])] {
            #expect {
                _ = try autoencoder.decode(latent)
            } throws: { error in
                (error as? ModelError)?.description.contains("\(latent.shape) is not [N, 4, h, w]") ?? false
            }
        }
        for image in [Tensor(shape: [1, 4, 64, 64]), Tensor(shape: [0, 3, 8, 8]), Tensor(shape: [3, 64, 64])] {
            #expect {
                _ = try autoencoder.encode(image)
            } throws: { error in
                (error as? ModelError)?.description.contains("\(image.shape) is not [N, 3, H, W]") ?? false
            }
        }
    }
}
