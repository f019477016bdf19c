import Foundation
import LDBTensor
import Testing
@testable import LDBDiffusion

/// DDIM and inverse DDIM against diffusers 0.42 on torch CPU
/// (Fixtures/scripts/scheduler_fixtures.py wrote Fixtures/scheduler/ddim.json).
@Suite struct SchedulerTests {
    private struct Reference: Decodable {
        let shape: [Int]
        let output: String
        let sample: String
        let cases: [String: Case]
    }

    private struct Case: Decodable {
        let alphasCumprod: String
        let finalAlphaCumprod: Float
        let initialAlphaCumprod: Float
        let ddim: [Schedule]
        let inverse: [Schedule]

        enum CodingKeys: String, CodingKey {
            case alphasCumprod = "alphas_cumprod"
            case finalAlphaCumprod = "final_alpha_cumprod"
            case initialAlphaCumprod = "initial_alpha_cumprod"
            case ddim, inverse
        }
    }

    private struct Schedule: Decodable {
        let steps: Int
        let timesteps: [Int]
        let stepsChecked: [Step]

        enum CodingKeys: String, CodingKey {
            case steps, timesteps
            case stepsChecked = "steps_checked"
        }
    }

    private struct Step: Decodable {
        let timestep: Int
        let prevSample: String?
        let error: Bool?

        enum CodingKeys: String, CodingKey {
            case timestep, error
            case prevSample = "prev_sample"
        }
    }

    private static let fixtureURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/scheduler/ddim.json")

    private static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixtureURL))
    }

    /// The configuration of a case, read back from the fixture's JSON as a model folder's file would be.
    private static func config(_ name: String) throws -> SchedulerConfig {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: fixtureURL)) as? [String: Any])
        let cases = try #require(root["cases"] as? [String: Any])
        let entry = try #require(cases[name] as? [String: Any])
        let config = try #require(entry["config"])
        return try SchedulerConfig(json: JSONSerialization.data(withJSONObject: config), source: name)
    }

    private static func floats(_ base64: String) throws -> [Float] {
        let data = try #require(Data(base64Encoded: base64))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { index in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        }
    }

    private static let caseNames = [
        "sd15", "sd21-v", "defaults", "linspace", "cosine-sample", "zero-snr-trailing", "linear-trailing",
        "trained-betas", "inverse-alpha-to-zero",
    ]

    /// Bit-exact, except after `rescale_betas_zero_snr`: it takes a square root, and torch's CPU square
    /// root (MKL) is not always correctly rounded, so there the values may differ in the last bits.
    @Test(arguments: caseNames)
    func alphasCumprodMatchDiffusers(_ name: String) throws {
        let reference = try #require(try Self.reference().cases[name])
        let config = try Self.config(name)
        let schedule = try NoiseSchedule(config: config)
        let expected = try Self.floats(reference.alphasCumprod)
        try #require(schedule.alphasCumprod.count == expected.count)
        if config.rescaleBetasZeroSNR {
            let worst = zip(schedule.alphasCumprod, expected).map { abs($0 - $1) / max($1, 1e-6) }.max() ?? .infinity
            #expect(worst <= 1e-6, "\(name): relative error \(worst)")
            #expect(schedule.alphasCumprod.last == 0)
        } else {
            let mismatches = expected.indices.filter { schedule.alphasCumprod[$0].bitPattern != expected[$0].bitPattern }
            #expect(mismatches.isEmpty, "\(name): alphas_cumprod differ at timesteps \(mismatches.prefix(10))")
        }
        #expect(try DDIMScheduler(config: config, stepCount: 1).finalAlphaCumprod == reference.finalAlphaCumprod)
        if config.timestepSpacing != .linspace {
            #expect(try DDIMInverseScheduler(config: config, stepCount: 1).initialAlphaCumprod == reference.initialAlphaCumprod)
        }
    }

    @Test(arguments: caseNames)
    func ddimMatchesDiffusers(_ name: String) throws {
        let reference = try Self.reference()
        let expectedCase = try #require(reference.cases[name])
        let config = try Self.config(name)
        for schedule in expectedCase.ddim {
            let scheduler = try DDIMScheduler(config: config, stepCount: schedule.steps)
            #expect(scheduler.timesteps == schedule.timesteps, "\(name), \(schedule.steps) steps")
            #expect(scheduler.initNoiseSigma == 1)
            try checkSteps(scheduler, schedule, reference, label: "\(name) DDIM, \(schedule.steps) steps")
        }
    }

    @Test(arguments: caseNames)
    func inverseMatchesDiffusers(_ name: String) throws {
        let reference = try Self.reference()
        let expectedCase = try #require(reference.cases[name])
        let config = try Self.config(name)
        guard config.timestepSpacing != .linspace else {
            #expect(expectedCase.inverse.isEmpty)
            #expect(throws: SchedulerError.self) { try DDIMInverseScheduler(config: config, stepCount: 10) }
            return
        }
        #expect(!expectedCase.inverse.isEmpty)
        for schedule in expectedCase.inverse {
            let scheduler = try DDIMInverseScheduler(config: config, stepCount: schedule.steps)
            #expect(scheduler.timesteps == schedule.timesteps, "\(name), \(schedule.steps) steps")
            try checkSteps(scheduler, schedule, reference, label: "\(name) inverse, \(schedule.steps) steps")
        }
    }

    /// Steps agree to 1e-6 relative (absolute below 1): the square roots of the alphas are where torch may
    /// differ from a correctly rounded result by one ulp.
    private func checkSteps(_ scheduler: some SingleStepScheduler, _ schedule: Schedule, _ reference: Reference, label: String) throws {
        let output = Tensor(shape: reference.shape, scalars: try Self.floats(reference.output))
        let sample = Tensor(shape: reference.shape, scalars: try Self.floats(reference.sample))
        for step in schedule.stepsChecked {
            if step.error == true {
                #expect(throws: SchedulerError.self, "\(label), t=\(step.timestep)") {
                    try scheduler.step(output: output, timestep: step.timestep, sample: sample)
                }
                continue
            }
            let expected = try Self.floats(try #require(step.prevSample))
            let actual = try scheduler.step(output: output, timestep: step.timestep, sample: sample)
            #expect(actual.shape == reference.shape)
            let nonFinite = zip(actual.scalars, expected).filter { !$0.1.isFinite }
            #expect(
                nonFinite.allSatisfy { $0.0.isNaN ? $0.1.isNaN : $0.0 == $0.1 },
                "\(label), t=\(step.timestep): non-finite values differ")
            let worst = zip(actual.scalars, expected).filter { $0.1.isFinite }.map { abs($0 - $1) / max(abs($1), 1) }.max() ?? 0
            #expect(worst <= 1e-6, "\(label), t=\(step.timestep): error \(worst) relative to max(|expected|, 1)")
        }
    }

    // MARK: - Configuration

    @Test func emptyConfigHasDiffusersDefaults() throws {
        let config = try SchedulerConfig(json: Data("{}".utf8))
        #expect(config == SchedulerConfig())
        #expect(config.trainTimestepCount == 1000)
        #expect(config.betaStart == 0.0001)
        #expect(config.betaEnd == 0.02)
        #expect(config.betaSchedule == .linear)
        #expect(config.clipSample)
        #expect(config.setAlphaToOne)
        #expect(config.stepsOffset == 0)
        #expect(config.predictionType == .epsilon)
        #expect(config.timestepSpacing == .leading)
        #expect(!config.rescaleBetasZeroSNR)
    }

    @Test func modelFolderConfigIsRead() throws {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/models/tiny-sd2/scheduler/scheduler_config.json")
        let config = try SchedulerConfig(contentsOf: url)
        #expect(config.betaSchedule == .scaledLinear)
        #expect(config.predictionType == .vPrediction)
        #expect(config.stepsOffset == 1)
        #expect(!config.setAlphaToOne)
    }

    @Test func unknownBetaScheduleIsNamed() throws {
        let error = try #require(throws: SchedulerError.self) {
            try SchedulerConfig(json: Data(#"{"beta_schedule": "sigmoid"}"#.utf8), source: "model/scheduler_config.json")
        }
        #expect(error.description.contains("beta_schedule"))
        #expect(error.description.contains("sigmoid"))
        #expect(error.description.contains("model/scheduler_config.json"))
    }

    @Test func wrongFieldTypeIsNamed() throws {
        let error = try #require(throws: SchedulerError.self) {
            try SchedulerConfig(json: Data(#"{"steps_offset": "one"}"#.utf8))
        }
        #expect(error.description.contains("steps_offset"))
    }

    @Test func missingConfigFileIsReported() throws {
        let url = URL(fileURLWithPath: "/nonexistent/scheduler_config.json")
        #expect(throws: SchedulerError.unreadableConfig(url, reason: "the file does not exist")) {
            try SchedulerConfig(contentsOf: url)
        }
    }

    @Test func thresholdingIsRefused() throws {
        var config = SchedulerConfig()
        config.thresholding = true
        let error = try #require(throws: SchedulerError.self) { try DDIMScheduler(config: config, stepCount: 10) }
        #expect(error.description.contains("thresholding"))
    }

    @Test func stepCountMustFitTheTrainingSchedule() throws {
        #expect(throws: SchedulerError.invalidStepCount(0, trainTimestepCount: 1000)) {
            try DDIMScheduler(config: SchedulerConfig(), stepCount: 0)
        }
        #expect(throws: SchedulerError.invalidStepCount(1001, trainTimestepCount: 1000)) {
            try DDIMInverseScheduler(config: SchedulerConfig(), stepCount: 1001)
        }
    }

    @Test func trainedBetasMustCoverEveryTimestep() throws {
        var config = SchedulerConfig()
        config.trainedBetas = [0.1, 0.2]
        #expect(throws: SchedulerError.self) { try NoiseSchedule(config: config) }
    }

    @Test func stepRejectsBadTimestepsAndShapes() throws {
        let scheduler = try DDIMScheduler(config: SchedulerConfig(), stepCount: 10)
        let sample = Tensor(shape: [1, 4, 2, 2], repeating: 0.5)
        #expect(throws: SchedulerError.timestepOutOfRange(1000, trainTimestepCount: 1000)) {
            try scheduler.step(output: sample, timestep: 1000, sample: sample)
        }
        #expect(throws: SchedulerError.shapeMismatch(output: [1, 4, 4], sample: [1, 4, 2, 2])) {
            try scheduler.step(output: Tensor(shape: [1, 4, 4]), timestep: 900, sample: sample)
        }
    }
}
