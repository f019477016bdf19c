import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// The UNet's forward pass against diffusers 0.42 (`UNet2DConditionModel(...).sample`) on the tiny models:
/// Fixtures/scripts/models_reference.py wrote Fixtures/reference/<model>/unet*.safetensors and
/// Fixtures/scripts/unet_fixtures.py wrote Fixtures/unet/<model>_odd_size.safetensors.
@Suite struct UNetForwardTests {
    private static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// One reference call: its inputs, and diffusers' output.
    private struct Reference {
        let sample: Tensor
        let timesteps: [Float]
        let encoderHiddenStates: Tensor
        let output: Tensor

        init(_ path: String) throws {
            let file = try SafeTensorsFile(contentsOf: UNetForwardTests.fixtures.appendingPathComponent(path))
            sample = try file.tensor("sample")
            encoderHiddenStates = try file.tensor("encoder_hidden_states")
            output = try file.tensor("out")
            // Integer timesteps are saved as int64, fractional ones as float32.
            timesteps = try file.info("timestep").dtype == .int64
                ? file.int64s("timestep").map { Float($0) }
                : file.tensor("timestep").scalars
        }
    }

    /// The UNet of a tiny model, optionally with another `downsample_padding` than its configuration's.
    private static func unet(_ model: String, downsamplePadding: Int? = nil) throws -> UNet2DConditionModel {
        let folder = fixtures.appendingPathComponent("models/\(model)/unet")
        var fields = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("config.json")))
                as? [String: Any])
        fields["downsample_padding"] = downsamplePadding ?? fields["downsample_padding"]
        let configuration = try UNetConfiguration(data: JSONSerialization.data(withJSONObject: fields))
        let weights = try SafeTensorsWeights(file: folder.appendingPathComponent("diffusion_pytorch_model.safetensors"))
        return try UNet2DConditionModel(configuration: configuration, weights: weights)
    }

    /// `max |actual - expected|`, or infinity when the shapes differ.
    private static func largestDifference(_ actual: Tensor, _ expected: Tensor) -> Float {
        guard actual.shape == expected.shape else { return .infinity }
        return zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    /// Checks `actual` against `expected` within `1e-4 · max(1, max |expected|)`.
    private static func expectClose(_ actual: Tensor, _ expected: Tensor, _ label: String) {
        let scale = max(1, expected.scalars.map(abs).max() ?? 0)
        let difference = largestDifference(actual, expected)
        #expect(actual.shape == expected.shape, "\(label): shape \(actual.shape), expected \(expected.shape)")
        #expect(difference <= 1e-4 * scale, "\(label): max |ours - diffusers| = \(difference), scale \(scale)")
    }

    @Test(arguments: [
        ("tiny-sd1", "reference/tiny-sd1/unet.safetensors"),
        ("tiny-sd1", "reference/tiny-sd1/unet_float_timestep.safetensors"),
        ("tiny-sd2", "reference/tiny-sd2/unet.safetensors"),
        ("tiny-sd2", "reference/tiny-sd2/unet_float_timestep.safetensors"),
        ("tiny-sd1", "unet/tiny-sd1_odd_size.safetensors"),
        ("tiny-sd2", "unet/tiny-sd2_odd_size.safetensors"),
    ])
    func matchesDiffusers(model: String, referencePath: String) throws {
        let reference = try Reference(referencePath)
        let unet = try Self.unet(model)
        let output = try unet(sample: reference.sample, timesteps: reference.timesteps,
                              encoderHiddenStates: reference.encoderHiddenStates)
        Self.expectClose(output, reference.output, "\(model) \(referencePath)")
    }

    /// `downsample_padding` 0 pads the stride-2 convolutions on the right and bottom only.
    @Test func unpaddedDownsamplingMatchesDiffusers() throws {
        let reference = try Reference("unet/tiny-sd1_downsample_padding_0.safetensors")
        let unet = try Self.unet("tiny-sd1", downsamplePadding: 0)
        let output = try unet(sample: reference.sample, timesteps: reference.timesteps,
                              encoderHiddenStates: reference.encoderHiddenStates)
        Self.expectClose(output, reference.output, "tiny-sd1 downsample_padding 0")

        // 3 rows become 1 after the first downsampling, too few for the second one without padding.
        let error = #expect(throws: UNetError.self) {
            try unet(sample: Tensor(shape: [1, 4, 3, 8]), timesteps: [1], encoderHiddenStates: Tensor(shape: [1, 77, 32]))
        }
        #expect(error?.description == "UNet input: sample of 3×8 is too small for 2 downsamplings with downsample_padding 0")
    }

    /// The fp16 variant, found through the model folder as a pipeline would load it.
    @Test func halfPrecisionWeightsMatchDiffusers() throws {
        let reference = try Reference("reference/tiny-sd1/unet_fp16.safetensors")
        let unet = try ModelFolder(url: Self.fixtures.appendingPathComponent("models/tiny-sd1")).unet(variant: "fp16")
        let output = try unet(sample: reference.sample, timesteps: reference.timesteps,
                              encoderHiddenStates: reference.encoderHiddenStates)
        Self.expectClose(output, reference.output, "tiny-sd1 fp16")
        // The rounded weights must make a visible difference, or this test would not tell the files apart.
        let fullPrecision = try Reference("reference/tiny-sd1/unet.safetensors").output
        #expect(Self.largestDifference(reference.output, fullPrecision) > 1e-3)
    }

    /// Each batch item is computed on its own: the second item run alone gives the second row of the batch.
    @Test func batchItemsAreIndependent() throws {
        let reference = try Reference("reference/tiny-sd2/unet.safetensors")
        let unet = try Self.unet("tiny-sd2")
        let output = try unet(sample: reference.sample.sliced(1..<2, axis: 0), timesteps: [reference.timesteps[1]],
                              encoderHiddenStates: reference.encoderHiddenStates.sliced(1..<2, axis: 0))
        Self.expectClose(output, reference.output.sliced(1..<2, axis: 0), "tiny-sd2 item 1 alone")
    }

    @Test func oneTimestepIsSharedByTheBatch() throws {
        let reference = try Reference("reference/tiny-sd1/unet.safetensors")
        let unet = try Self.unet("tiny-sd1")
        let shared = try unet(sample: reference.sample, timesteps: [500],
                              encoderHiddenStates: reference.encoderHiddenStates)
        let repeated = try unet(sample: reference.sample, timesteps: [500, 500],
                                encoderHiddenStates: reference.encoderHiddenStates)
        #expect(shared == repeated)
        let distinct = try unet(sample: reference.sample, timesteps: [500, 501],
                                encoderHiddenStates: reference.encoderHiddenStates)
        #expect(Self.largestDifference(distinct, repeated) > 0)
    }

    @Test func rejectsInputsThatDoNotFit() throws {
        let unet = try Self.unet("tiny-sd1")
        let sample = Tensor(shape: [2, 4, 8, 8])
        let context = Tensor(shape: [2, 77, 32])
        let cases: [(Tensor, [Float], Tensor, String)] = [
            (Tensor(shape: [2, 9, 8, 8]), [1, 1], context, "sample has shape [2, 9, 8, 8]"),
            (Tensor(shape: [4, 8, 8]), [1, 1], context, "sample has shape [4, 8, 8]"),
            (Tensor(shape: [2, 4, 0, 8]), [1, 1], context, "sample has shape [2, 4, 0, 8]"),
            (sample, [1, 2, 3], context, "3 timesteps for a batch of 2"),
            (sample, [], context, "0 timesteps for a batch of 2"),
            (sample, [.nan, 1], context, "not all finite"),
            (sample, [1, 1], Tensor(shape: [2, 77, 64]), "encoder hidden states have shape [2, 77, 64], expected [2, L, 32]"),
            (sample, [1, 1], Tensor(shape: [1, 77, 32]), "encoder hidden states have shape [1, 77, 32]"),
        ]
        for (sample, timesteps, context, message) in cases {
            let error = #expect(throws: UNetError.self) {
                try unet(sample: sample, timesteps: timesteps, encoderHiddenStates: context)
            }
            #expect(error?.description.contains(message) == true, "\(error?.description ?? "no error") lacks \(message)")
        }
    }

    /// Weights that lack one tensor.
    private struct WeightsWithout: WeightSource {
        let base: SafeTensorsWeights
        let missing: String

        func tensor(_ name: String, shape: [Int]) throws -> Tensor {
            guard name != missing else { throw ModelError.missingWeight(name: name, files: base.files) }
            return try base.tensor(name, shape: shape)
        }

        func contains(_ name: String) -> Bool {
            name != missing && base.contains(name)
        }
    }

    @Test(arguments: [
        "up_blocks.1.resnets.2.conv_shortcut.weight",
        "mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight",
        "down_blocks.1.downsamplers.0.conv.weight",
        "time_embedding.linear_2.weight",
    ])
    func missingWeightIsNamed(_ name: String) throws {
        let folder = Self.fixtures.appendingPathComponent("models/tiny-sd1/unet")
        let configuration = try UNetConfiguration(contentsOf: folder.appendingPathComponent("config.json"))
        let weights = WeightsWithout(
            base: try SafeTensorsWeights(file: folder.appendingPathComponent("diffusion_pytorch_model.safetensors")),
            missing: name)
        #expect(weights.base.contains(name), "the fixture should hold \(name)")
        let error = #expect(throws: (any Error).self) {
            try UNet2DConditionModel(configuration: configuration, weights: weights)
        }
        let description = error.map { String(describing: $0) } ?? "no error"
        #expect(description.contains(name), "\(description)")
    }

    /// Loading the tiny-sd2 weights with the tiny-sd1 architecture (conv instead of linear projections) must fail
    /// on a weight's shape instead of running with misread weights.
    @Test func weightsOfAnotherArchitectureAreRejected() throws {
        let configuration = try UNetConfiguration(
            contentsOf: Self.fixtures.appendingPathComponent("models/tiny-sd1/unet/config.json"))
        let weights = try SafeTensorsWeights(
            file: Self.fixtures.appendingPathComponent("models/tiny-sd2/unet/diffusion_pytorch_model.safetensors"))
        #expect(throws: (any Error).self) {
            try UNet2DConditionModel(configuration: configuration, weights: weights)
        }
    }
}
