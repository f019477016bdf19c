import Testing
@testable import LDBTensor

@Suite("Group and layer normalisation against PyTorch")
struct OpsNormalizationTests {
    @Test func groupNormWithAffineMatchesTorch() throws {
        let output = try OpsFixtures.tensor("group_norm.input").groupNorm(
            groups: 3, weight: OpsFixtures.tensor("group_norm.weight"), bias: OpsFixtures.tensor("group_norm.bias"),
            epsilon: 1e-6)
        expectClose(output, try OpsFixtures.tensor("group_norm.output"), relativeTolerance: elementwiseTolerance)
    }

    @Test func groupNormWithoutAffineMatchesTorch() throws {
        let output = try OpsFixtures.tensor("group_norm.input").groupNorm(groups: 2, epsilon: 1e-5)
        expectClose(output, try OpsFixtures.tensor("group_norm.output_no_affine"), relativeTolerance: elementwiseTolerance)
    }

    @Test func layerNormMatchesTorch() throws {
        let output = try OpsFixtures.tensor("layer_norm.input").layerNorm(
            weight: OpsFixtures.tensor("layer_norm.weight"), bias: OpsFixtures.tensor("layer_norm.bias"))
        expectClose(output, try OpsFixtures.tensor("layer_norm.output"), relativeTolerance: elementwiseTolerance)
    }

    @Test func groupNormOfAConstantGroupIsTheBias() {
        let input = Tensor(shape: [1, 2, 2, 2], repeating: 7)
        let output = input.groupNorm(groups: 2, weight: Tensor(shape: [2], scalars: [3, 3]),
                                     bias: Tensor(shape: [2], scalars: [0.5, -1]))
        #expect(output.scalars == [0.5, 0.5, 0.5, 0.5, -1, -1, -1, -1])
    }

    @Test func groupNormThenSiLUEqualsTheTwoSteps() throws {
        let input = try OpsFixtures.tensor("group_norm.input")
        let weight = try OpsFixtures.tensor("group_norm.weight"), bias = try OpsFixtures.tensor("group_norm.bias")
        let groups = 3
        let fused = input.groupNorm(groups: groups, weight: weight, bias: bias, thenSiLU: true)
        expectClose(fused, input.groupNorm(groups: groups, weight: weight, bias: bias).silu(), relativeTolerance: 1e-6)
    }
}
