import CTensorKernels
import Testing
@testable import LDBTensor

@Suite("Multi-head attention")
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

    /// The two float32 paths agree, on shapes the fused kernel takes (causal or not, cross-attention).
    @Test(arguments: [(300, 300, false), (300, 300, true), (130, 77, false)])
    func fusedAndScoreBlockPathsAgree(queries: Int, keys: Int, causal: Bool) {
        let query = pseudoRandom(shape: [2, queries, 80], seed: 9)
        let key = pseudoRandom(shape: [2, keys, 80], seed: 10)
        let value = pseudoRandom(shape: [2, keys, 80], seed: 11)
        #expect(fusedAttentionIsFaster(queryLength: queries, headSize: 40))
        let fused = attention(query: query, key: key, value: value, heads: 2, causal: causal)
        let scoreBlocks = attentionByScoreBlocks(query: query, key: key, value: value, heads: 2, causal: causal,
                                                 queryChunkSize: nil)
        expectClose(fused, scoreBlocks, relativeTolerance: 1e-5)
    }

    /// The measured rule (BENCHMARKS.md, "Fused attention"): fused at SD 1.5's 40- and 80-channel heads, the score
    /// blocks at its 160-channel heads, the VAE's 512-channel head and CLIP's 77 tokens.
    @Test func fusedKernelIsChosenWhereItMeasuredFaster() {
        #expect(fusedAttentionIsFaster(queryLength: 4096, headSize: 40))
        #expect(fusedAttentionIsFaster(queryLength: 1024, headSize: 80))
        #expect(!fusedAttentionIsFaster(queryLength: 256, headSize: 160))
        #expect(!fusedAttentionIsFaster(queryLength: 4096, headSize: 512))
        #expect(!fusedAttentionIsFaster(queryLength: 77, headSize: 64))
    }

    /// The bfloat16 arithmetic is float32 attention of the bfloat16-rounded inputs, but for the probabilities' own
    /// rounding to bfloat16 (relative 2^-9, so at most 2^-9 · max |value| = 2^-8 here), across heads, items and tasks.
    @Test(arguments: [false, true])
    func bfloat16IsFloat32OfRoundedInputs(causal: Bool) {
        func rounded(_ tensor: Tensor) -> Tensor { Tensor(shape: tensor.shape, scalars: tensor.scalars.map(ldb_round_to_bfloat16)) }
        let query = pseudoRandom(shape: [2, 230, 48], seed: 6)
        let key = pseudoRandom(shape: [2, 230, 48], seed: 7)
        let value = pseudoRandom(shape: [2, 230, 48], seed: 8)
        let output = attention(query: query, key: key, value: value, heads: 3, causal: causal, precision: .bfloat16,
                               queryChunkSize: 100)
        let expected = attention(query: rounded(query), key: rounded(key), value: rounded(value), heads: 3, causal: causal)
        let worst = zip(output.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .nan
        #expect(worst <= 0x1p-8 + 1e-5)
        #expect(worst > 0, "the probabilities' rounding shows")
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
