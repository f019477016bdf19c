import Foundation
import Testing
@testable import LDBTensor

/// ReLU and tanh, the tiny autoencoder's non-linearities, against their definitions (the autoencoder's parity
/// with diffusers, in LDBDiffusionTests, checks them against PyTorch's inside the network).
@Suite struct RectifierTests {
    @Test func reluZeroesExactlyTheNegativeValuesAndKeepsNaN() {
        var tensor = Tensor(shape: [3, 3], scalars: [-3, -0.5, 0, 0.25, 2, -.infinity, .infinity, -1e-30, .nan])
        tensor.applyReLU()
        #expect(Array(tensor.scalars.prefix(8)) == [0, 0, 0, 0.25, 2, 0, .infinity, 0])
        #expect(tensor.scalars[8].isNaN)
        #expect(tensor.shape == [3, 3])
    }

    /// Enough elements that the work is split across cores, and a count that is not a multiple of any vector width.
    @Test func reluInPlaceMatchesTheDefinitionOnALargeTensor() {
        let count = (1 << 18) + 13
        var tensor = Tensor(shape: [count], scalars: (0..<count).map { Float(($0 * 7919) % 2001) - 1000 })
        let expected = tensor.scalars.map { $0 < 0 ? 0 : $0 }
        tensor.applyReLU()
        #expect(tensor.scalars == expected)
    }

    @Test func tanhIsWithinTwoUlpOfTheExactValue() throws {
        let input = try OpsFixtures.tensor("activation.input")
        let extremes = Tensor(shape: [6], scalars: [0, -0.0, 1e-8, -20, 20, 9.01])
        for tensor in [input, extremes] {
            let output = tensor.tanh()
            #expect(output.shape == tensor.shape)
            for (x, y) in zip(tensor.scalars, output.scalars) {
                let exact = Float(Foundation.tanh(Double(x)))
                #expect(abs(y - exact) <= 2 * exact.ulp, "tanh(\(x)) = \(y), exactly \(exact)")
            }
        }
    }
}
