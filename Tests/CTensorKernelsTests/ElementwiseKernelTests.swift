import CTensorKernels
import Foundation
import Testing

/// Every kernel, in every instruction set this machine can run, against double-precision references.
@Suite("Element-wise C kernels")
struct ElementwiseKernelTests {
    static let instructionSets = ["baseline", "avx2", "avx512", "avx512bf16"]

    /// The kernels of `name`, or nil when this CPU cannot run them (the test then checks nothing for it).
    private func kernels(_ name: String) -> ldb_kernels? {
        ldb_kernels_named(name)?.pointee
    }

    private func map(_ kernel: (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void,
                     _ inputs: [Float]) -> [Float] {
        var outputs = [Float](repeating: .nan, count: inputs.count)
        kernel(inputs, &outputs, inputs.count)
        return outputs
    }

    /// A dense, odd-sized sweep, so every kernel's partial last vector is exercised.
    private func sweep(from low: Double, to high: Double, count: Int = 20_001) -> [Float] {
        (0..<count).map { Float(low + Double($0) * (high - low) / Double(count - 1)) }
    }

    @Test func theWidestSupportedSetIsInUse() throws {
        let inUse = String(cString: try #require(ldb_kernels_in_use()).pointee.instruction_set)
        let widest = Self.instructionSets.last { kernels($0) != nil }
        #expect(inUse == widest)
        #expect(kernels("baseline") != nil && kernels("neon-128") == nil)
    }

    @Test(arguments: instructionSets)
    func expIsWithinTwoUnitsInTheLastPlace(_ set: String) throws {
        guard let kernels = kernels(set) else { return }
        let inputs = sweep(from: -87, to: 88)
        for (input, output) in zip(inputs, map(kernels.exp, inputs)) {
            let reference = expf(input)
            #expect(abs(output - reference) <= 2 * reference.ulp, "\(set): exp(\(input)) = \(output), expf gives \(reference)")
        }
        let edges = map(kernels.exp, [-.infinity, -1_000, -88, 0, 1_000, .infinity, .nan])
        #expect(edges[0] == 0 && edges[1] == 0 && edges[2] == 0 && edges[3] == 1)
        #expect(edges[4].isFinite && edges[4] > 1e38 && edges[5] > 1e38)
        #expect(edges[6].isNaN)
    }

    @Test(arguments: instructionSets)
    func activationsMatchDoublePrecision(_ set: String) throws {
        guard let kernels = kernels(set) else { return }
        let inputs = sweep(from: -30, to: 30)
        func check(_ name: String, _ outputs: [Float], tolerance: (Double, Double) -> Double, _ reference: (Double) -> Double) {
            for (input, output) in zip(inputs, outputs) {
                let expected = reference(Double(input))
                #expect(abs(Double(output) - expected) <= tolerance(Double(input), expected),
                        "\(set) \(name)(\(input)) = \(output), expected \(expected)")
            }
        }
        // exp(t) inherits the rounding of its float argument t (half an ulp, about 6e-8·|t| relative) on top of
        // its own 2 ulp.
        func sigmoidTolerance(slope: Double) -> (Double, Double) -> Double {
            { x, expected in abs(expected) * (4e-7 + 1.2e-7 * abs(slope * x)) + 1e-38 }
        }
        check("silu", map(kernels.silu, inputs), tolerance: sigmoidTolerance(slope: 1)) { $0 / (1 + Foundation.exp(-$0)) }
        check("quick_gelu", map(kernels.quick_gelu, inputs), tolerance: sigmoidTolerance(slope: 1.702)) {
            $0 / (1 + Foundation.exp(-1.702 * $0))
        }
        // erf to 1.5e-7 absolute: gelu is within |x|/2 of that, plus rounding.
        let geluReference = { (x: Double) in 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot())) }
        check("gelu", map(kernels.gelu, inputs), tolerance: { x, expected in 1e-7 * abs(x) + 4e-7 * abs(expected) + 1e-38 },
              geluReference)
        let hidden = inputs.reversed().map { $0 / 7 }
        var gated = [Float](repeating: .nan, count: inputs.count)
        kernels.geglu(hidden, inputs, &gated, inputs.count)
        for index in inputs.indices {
            let gelu = geluReference(Double(inputs[index]))
            let expected = Double(hidden[index]) * gelu
            let tolerance = abs(Double(hidden[index])) * (1e-7 * abs(Double(inputs[index])) + 4e-7 * abs(gelu)) + 1e-38
            #expect(abs(Double(gated[index]) - expected) <= tolerance)
        }
    }

    @Test(arguments: instructionSets)
    func softmaxRowsOfEveryLengthMatchDoublePrecision(_ set: String) throws {
        guard let kernels = kernels(set) else { return }
        var generator = SplitMix64(seed: 7)
        for count in 1...70 {
            // Large offsets: the maximum must be subtracted first or exp overflows.
            let row = (0..<count).map { _ in Float(generator.nextUnit() * 40 + 500) }
            var output = row
            kernels.softmax_row(&output, count)
            let maximum = Double(row.max()!)
            let exponentials = row.map { Foundation.exp(Double($0) - maximum) }
            let sum = exponentials.reduce(0, +)
            for index in 0..<count {
                let expected = exponentials[index] / sum
                #expect(abs(Double(output[index]) - expected) <= 1e-6 * expected + 1e-38, "\(set) row of \(count)")
            }
        }
        var masked: [Float] = [-.infinity, -.infinity, -.infinity]
        kernels.softmax_row(&masked, 3)
        #expect(masked == [0, 0, 0])
    }

    @Test(arguments: instructionSets)
    func momentsOfALargeOffsetGroupAreAccurate(_ set: String) throws {
        guard let kernels = kernels(set) else { return }
        // A million values of mean ~1000 and deviation ~0.5: a float running sum would lose the variance.
        var generator = SplitMix64(seed: 3)
        let values = (0..<1_000_003).map { _ in Float(1_000 + generator.nextUnit() - 0.5) }
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
        var computedMean: Float = 0, inverseDeviation: Float = 0
        kernels.moments(values, values.count, 1e-6, &computedMean, &inverseDeviation)
        #expect(abs(Double(computedMean) - mean) <= Double(Float(mean).ulp))
        let expected = 1 / (variance + 1e-6).squareRoot()
        #expect(abs(Double(inverseDeviation) - expected) <= 1e-6 * expected)
    }

    @Test(arguments: instructionSets)
    func normalizeThenSiLU(_ set: String) throws {
        guard let kernels = kernels(set) else { return }
        let inputs = sweep(from: -5, to: 5, count: 37)
        var plain = [Float](repeating: .nan, count: 37), activated = plain
        kernels.normalize(inputs, &plain, 37, 0.5, 1.5, -0.25, 0)
        kernels.normalize(inputs, &activated, 37, 0.5, 1.5, -0.25, 1)
        for index in inputs.indices {
            let affine = (Double(inputs[index]) - 0.5) * 1.5 - 0.25
            #expect(abs(Double(plain[index]) - affine) <= 1e-6 * max(1, abs(affine)))
            let expected = affine / (1 + Foundation.exp(-affine))
            #expect(abs(Double(activated[index]) - expected) <= 1e-6 * max(1, abs(expected)))
        }
    }
}

/// A small deterministic generator, so failures reproduce.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
    }
}
