import Testing
@testable import LDBTensor

@Suite("Winograd F(2×2, 3×3) convolution")
struct WinogradConvolutionTests {
    private func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Float(state >> 40) / Float(1 << 24) - 0.5
        })
    }

    @Test func matchesTorch() throws {
        let input = try OpsFixtures.tensor("conv.input")
        let output = input.conv2d(weight: try OpsFixtures.tensor("conv.weight3x3"), bias: try OpsFixtures.tensor("conv.bias"),
                                  stride: 1, padding: 1, columnBudget: Tensor.im2colBudget, algorithm: .winograd)
        expectClose(output, try OpsFixtures.tensor("conv.output3x3"), relativeTolerance: matrixTolerance)
    }

    /// Odd and even sizes (a last tile half outside the image), one-pixel images, batches, no bias, and band
    /// budgets from one tile row per band upwards.
    @Test(arguments: [
        (batch: 1, channels: 3, out: 5, height: 1, width: 1),
        (batch: 2, channels: 4, out: 6, height: 7, width: 9),
        (batch: 1, channels: 17, out: 8, height: 10, width: 3),
        (batch: 1, channels: 32, out: 48, height: 33, width: 40),
    ])
    func matchesIm2col(_ size: (batch: Int, channels: Int, out: Int, height: Int, width: Int)) {
        let input = random([size.batch, size.channels, size.height, size.width], seed: 1)
        let weight = random([size.out, size.channels, 3, 3], seed: 2)
        let bias = random([size.out], seed: 3)
        for bias in [bias, nil] {
            let reference = input.conv2d(weight: weight, bias: bias, stride: 1, padding: 1,
                                         columnBudget: Tensor.im2colBudget, algorithm: .im2col)
            let winograd = input.conv2d(weight: weight, bias: bias, stride: 1, padding: 1,
                                        columnBudget: Tensor.im2colBudget, algorithm: .winograd)
            expectClose(winograd, reference, relativeTolerance: 1e-5)
        }
    }

    @Test func largeImagesTakeWinogradAndAgreeWithIm2col() {
        let geometry = ConvolutionGeometry(inChannels: 8, height: 64, width: 64, kernelHeight: 3, kernelWidth: 3,
                                           stride: 1, padding: 1, outHeight: 64, outWidth: 64)
        #expect(Tensor.winogradApplies(geometry))
        let strided = ConvolutionGeometry(inChannels: 8, height: 64, width: 64, kernelHeight: 3, kernelWidth: 3,
                                          stride: 2, padding: 1, outHeight: 32, outWidth: 32)
        #expect(!Tensor.winogradApplies(strided))
        let input = random([1, 8, 64, 64], seed: 4), weight = random([16, 8, 3, 3], seed: 5)
        let automatic = input.conv2d(weight: weight, padding: 1)
        let reference = input.conv2d(weight: weight, bias: nil, stride: 1, padding: 1,
                                     columnBudget: Tensor.im2colBudget, algorithm: .im2col)
        expectClose(automatic, reference, relativeTolerance: 1e-5)
        #expect(automatic != reference, "64×64 should have taken Winograd, whose rounding differs from im2col's")
    }
}
