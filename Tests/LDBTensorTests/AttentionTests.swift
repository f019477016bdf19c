import Testing
@testable import LDBTensor

@Suite("Chunked multi-head attention")
struct AttentionTests {
    @Test func crossAttentionMatchesTorch() throws {
        let output = attention(query: try OpsFixtures.tensor("attention.query"), key: try OpsFixtures.tensor("attention.key"),
                               value: try OpsFixtures.tensor("attention.value"), heads: 3)
        expectClose(output, try OpsFixtures.tensor("attention.output"), relativeTolerance: matrixTolerance)
    }

    @Test(arguments: [1, 4, 16, 29])
    func causalSelfAttentionMatchesTorch(queryChunkSize: Int) throws {
        let input = try OpsFixtures.tensor("attention_causal.input")
        let output = attention(query: input, key: input, value: input, heads: 3, causal: true, queryChunkSize: queryChunkSize)
        expectClose(output, try OpsFixtures.tensor("attention_causal.output"), relativeTolerance: matrixTolerance)
    }

    /// Chunk sizes that divide the query length, leave a remainder, are 1, or exceed it, all give the
    /// single-chunk result.
    @Test(arguments: [1, 7, 64, 256, 299, 300, 1024])
    func chunkedEqualsUnchunked(queryChunkSize: Int) {
        let query = pseudoRandom(shape: [2, 300, 16], seed: 1)
        let key = pseudoRandom(shape: [2, 70, 16], seed: 2)
        let value = pseudoRandom(shape: [2, 70, 16], seed: 3)
        let whole = attention(query: query, key: key, value: value, heads: 2, queryChunkSize: 300)
        let chunked = attention(query: query, key: key, value: value, heads: 2, queryChunkSize: queryChunkSize)
        expectClose(chunked, whole, relativeTolerance: 1e-6)
    }

    @Test func eachOutputIsAConvexCombinationOfValues() {
        // With one key every query's attention weight is 1, so the output is that key's value.
        let query = pseudoRandom(shape: [1, 5, 4], seed: 4)
        let key = pseudoRandom(shape: [1, 1, 4], seed: 5)
        let value = Tensor(shape: [1, 1, 4], scalars: [1, 2, 3, 4])
        let output = attention(query: query, key: key, value: value, heads: 2)
        #expect(output.scalars == Array(repeating: [1, 2, 3, 4], count: 5).flatMap { $0 })
    }

    /// Deterministic values in [-2, 2) from a linear congruential generator (independent of the code under test).
    private func pseudoRandom(shape: [Int], seed: UInt64) -> Tensor {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        let scalars = (0..<shape.reduce(1, *)).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 4 - 2
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}
