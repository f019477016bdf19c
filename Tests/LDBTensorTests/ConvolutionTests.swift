import Testing
@testable import LDBTensor

@Suite("conv2d against PyTorch")
struct ConvolutionTests {
    let input: Tensor
    let weight3x3: Tensor
    let bias: Tensor

    init() throws {
        input = try OpsFixtures.tensor("conv.input")
        weight3x3 = try OpsFixtures.tensor("conv.weight3x3")
        bias = try OpsFixtures.tensor("conv.bias")
    }

    @Test func threeByThreeSamePadding() throws {
        let output = input.conv2d(weight: weight3x3, bias: bias, padding: 1)
        expectClose(output, try OpsFixtures.tensor("conv.output3x3"), relativeTolerance: matrixTolerance)
    }

    @Test func threeByThreeStrideTwo() throws {
        let output = input.conv2d(weight: weight3x3, bias: bias, stride: 2, padding: 1)
        expectClose(output, try OpsFixtures.tensor("conv.output3x3_stride2"), relativeTolerance: matrixTolerance)
    }

    @Test func asymmetricPaddingAsInTheVAEDownsampler() throws {
        let output = input.conv2d(weight: weight3x3, bias: bias, stride: 2,
                                  padding: Padding2D(top: 0, left: 0, bottom: 1, right: 1))
        expectClose(output, try OpsFixtures.tensor("conv.output3x3_asymmetric"), relativeTolerance: matrixTolerance)
    }

    @Test func pointwiseFastPath() throws {
        let output = input.conv2d(weight: try OpsFixtures.tensor("conv.weight1x1"), bias: bias)
        expectClose(output, try OpsFixtures.tensor("conv.output1x1"), relativeTolerance: matrixTolerance)
    }

    @Test func nonSquareKernelWithoutBias() throws {
        let output = input.conv2d(weight: try OpsFixtures.tensor("conv.weight5x3"),
                                  padding: Padding2D(top: 2, left: 1, bottom: 2, right: 1))
        expectClose(output, try OpsFixtures.tensor("conv.output5x3_no_bias"), relativeTolerance: matrixTolerance)
    }

    /// A budget too small for even one output row forces one-row bands; the result must not change.
    @Test(arguments: [1, 45 * 9, 45 * 9 * 4])
    func bandedIm2colMatchesTorch(columnBudget: Int) throws {
        let output = input.conv2d(weight: weight3x3, bias: bias, stride: 1, padding: 1, columnBudget: columnBudget)
        expectClose(output, try OpsFixtures.tensor("conv.output3x3"), relativeTolerance: matrixTolerance)
        let strided = input.conv2d(weight: weight3x3, bias: bias, stride: 2, padding: 1, columnBudget: columnBudget)
        expectClose(strided, try OpsFixtures.tensor("conv.output3x3_stride2"), relativeTolerance: matrixTolerance)
    }
}
