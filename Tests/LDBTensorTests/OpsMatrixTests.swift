import Testing
@testable import LDBTensor

@Suite("Linear and matmul against PyTorch")
struct OpsMatrixTests {
    @Test func linearWithBiasMatchesTorch() throws {
        let output = try OpsFixtures.tensor("linear.input")
            .linear(weight: OpsFixtures.tensor("linear.weight"), bias: OpsFixtures.tensor("linear.bias"))
        expectClose(output, try OpsFixtures.tensor("linear.output"), relativeTolerance: matrixTolerance)
    }

    @Test func linearWithoutBiasMatchesTorch() throws {
        let output = try OpsFixtures.tensor("linear.input").linear(weight: OpsFixtures.tensor("linear.weight"))
        expectClose(output, try OpsFixtures.tensor("linear.output_no_bias"), relativeTolerance: matrixTolerance)
    }

    @Test func batchedMatmulMatchesTorch() throws {
        let output = matmul(try OpsFixtures.tensor("matmul.a"), try OpsFixtures.tensor("matmul.b"))
        expectClose(output, try OpsFixtures.tensor("matmul.output"), relativeTolerance: matrixTolerance)
    }

    @Test func matmulWithSharedMatrixMatchesTorch() throws {
        let output = matmul(try OpsFixtures.tensor("matmul_shared.a"), try OpsFixtures.tensor("matmul_shared.b"))
        expectClose(output, try OpsFixtures.tensor("matmul_shared.output"), relativeTolerance: matrixTolerance)
    }

    @Test func matmulOfSmallIntegersIsExact() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        #expect(matmul(a, b) == Tensor(shape: [2, 2], scalars: [58, 64, 139, 154]))
    }
}
