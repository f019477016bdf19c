import CTensorKernels
import Testing
@testable import LDBTensor

/// The bfloat16 products with packed weights, against the float32 layers computed from bfloat16-rounded operands.
@Suite("Packed bfloat16 weights")
struct PackedWeightTests {
    private func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = TorchGenerator(seed: seed)
        return Tensor(shape: shape, scalars: generator.randn(count: shape.reduce(1, *)))
    }

    private func rounded(_ tensor: Tensor) -> Tensor {
        Tensor(shape: tensor.shape, scalars: tensor.scalars.map(ldb_round_to_bfloat16))
    }

    private func worstDifference(_ a: Tensor, _ b: Tensor) -> Float {
        precondition(a.shape == b.shape)
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    @Test func packingKeepsEveryValueRoundedToBFloat16() {
        let weight = random([37, 3, 3, 3], seed: 1)
        let packed = PackedWeight(roundingToBFloat16: weight)
        #expect(packed.shape == [37, 3, 3, 3])
        #expect(packed.floats() == rounded(weight))
        #expect(packed.reshaped([37, 27]).rows(at: [36, 0]).scalars == Array(rounded(weight).scalars[36 * 27 ..< 37 * 27] + rounded(weight).scalars[0..<27]))
        #expect(packed.reshaped([37, 27]).shape == [37, 27])
        #expect(packed.byteCount == 48 * 28 * 2)
    }

    @Test func linearMatchesFloat32OnRoundedOperands() {
        let input = random([2, 70, 96], seed: 2), weight = random([120, 96], seed: 3), bias = random([120], seed: 4)
        let output = input.linear(weight: .bfloat16(PackedWeight(roundingToBFloat16: weight)), bias: bias)
        let expected = rounded(input).linear(weight: rounded(weight), bias: bias)
        #expect(output.shape == [2, 70, 120])
        #expect(worstDifference(output, expected) <= 1e-4)
        // And within bfloat16's rounding of the float32 layer.
        #expect(worstDifference(output, input.linear(weight: weight, bias: bias)) <= 0.3)
    }

    @Test func linearSplitsByColumnsWhenThereAreFewRows() {
        let input = random([1, 300], seed: 5), weight = random([1000, 300], seed: 6)
        let output = input.linear(weight: .bfloat16(PackedWeight(roundingToBFloat16: weight)))
        #expect(worstDifference(output, rounded(input).linear(weight: rounded(weight))) <= 1e-4)
    }

    @Test(arguments: [(3, 1, 1), (3, 2, 1), (1, 1, 0), (4, 1, 2)])
    func convolutionMatchesFloat32OnRoundedOperands(kernel: Int, stride: Int, padding: Int) {
        let input = random([2, 5, 19, 23], seed: 7), weight = random([21, 5, kernel, kernel], seed: 8)
        let bias = random([21], seed: 9)
        let output = input.conv2d(weight: .bfloat16(PackedWeight(roundingToBFloat16: weight)), bias: bias,
                                  stride: stride, padding: Padding2D(padding))
        let expected = rounded(input).conv2d(weight: rounded(weight), bias: bias, stride: stride, padding: Padding2D(padding))
        #expect(output.shape == expected.shape)
        #expect(worstDifference(output, expected) <= 1e-4)
    }
}
