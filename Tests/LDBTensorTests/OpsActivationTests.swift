import Testing
@testable import LDBTensor

@Suite("Activations and softmax against PyTorch")
struct OpsActivationTests {
    @Test func siluMatchesTorch() throws {
        expectClose(try OpsFixtures.tensor("activation.input").silu(),
                    try OpsFixtures.tensor("activation.silu"), relativeTolerance: elementwiseTolerance)
    }

    @Test func exactGELUMatchesTorch() throws {
        expectClose(try OpsFixtures.tensor("activation.input").gelu(),
                    try OpsFixtures.tensor("activation.gelu"), relativeTolerance: elementwiseTolerance)
    }

    @Test func quickGELUMatchesTorch() throws {
        expectClose(try OpsFixtures.tensor("activation.input").quickGELU(),
                    try OpsFixtures.tensor("activation.quick_gelu"), relativeTolerance: elementwiseTolerance)
    }

    @Test func gegluMatchesTorch() throws {
        expectClose(try OpsFixtures.tensor("geglu.input").geglu(),
                    try OpsFixtures.tensor("geglu.output"), relativeTolerance: elementwiseTolerance)
    }

    @Test func softmaxMatchesTorchIncludingLargeOffsets() throws {
        let output = try OpsFixtures.tensor("softmax.input").softmax()
        expectClose(output, try OpsFixtures.tensor("softmax.output"), relativeTolerance: elementwiseTolerance)
        #expect(output.scalars.allSatisfy { $0.isFinite })
    }

    @Test func softmaxOfAFullyMaskedRowIsZero() {
        let input = Tensor(shape: [2, 2], scalars: [-.infinity, -.infinity, 0, 0])
        #expect(input.softmax().scalars == [0, 0, 0.5, 0.5])
    }
}
