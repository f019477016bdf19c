import Foundation
import Testing
@testable import LDBTensor

@Suite("Vectorised exp against the C library")
struct VectorExponentialTests {
    /// `exp` of every lane of `inputs`, padded with zeros to whole vectors.
    private func vectorExp(_ inputs: [Float]) -> [Float] {
        let width = VectorExponential.width
        var outputs = [Float](repeating: 0, count: inputs.count)
        inputs.withUnsafeBufferPointer { source in
            outputs.withUnsafeMutableBufferPointer { destination in
                for start in stride(from: 0, to: inputs.count, by: width) {
                    let lanes = min(width, inputs.count - start)
                    let x = VectorExponential.load(source.baseAddress! + start, count: lanes, padding: 0)
                    VectorExponential.store(VectorExponential.exp(x), to: destination.baseAddress! + start, count: lanes)
                }
            }
        }
        return outputs
    }

    @Test func matchesExpfWithinTwoUnitsInTheLastPlace() {
        // A dense sweep of the range softmax and SiLU use, odd-sized so the partial last vector is exercised.
        let inputs = (0..<20_001).map { Float(-87 + Double($0) * 175 / 20_000) }
        for (input, output) in zip(inputs, vectorExp(inputs)) {
            let reference = expf(input)
            #expect(abs(output - reference) <= 2 * reference.ulp, "exp(\(input)) = \(output), expf gives \(reference)")
        }
    }

    @Test func underflowsToZeroAndClampsOverflow() {
        let outputs = vectorExp([-.infinity, -1_000, -88, 0, 1_000, .infinity])
        #expect(outputs[0] == 0 && outputs[1] == 0 && outputs[2] == 0)
        #expect(outputs[3] == 1)
        #expect(outputs[4].isFinite && outputs[4] > 1e38 && outputs[5] > 1e38)
    }
}
