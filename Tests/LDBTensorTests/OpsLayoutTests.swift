import Testing
@testable import LDBTensor

@Suite("Upsampling, concatenation, permutation and slicing")
struct OpsLayoutTests {
    let a: Tensor
    let b: Tensor

    init() throws {
        a = try OpsFixtures.tensor("layout.a")
        b = try OpsFixtures.tensor("layout.b")
    }

    @Test func nearestUpsamplingMatchesTorch() throws {
        #expect(try OpsFixtures.tensor("upsample.input").upsampledNearest2x() == OpsFixtures.tensor("upsample.output"))
    }

    @Test func concatenationMatchesTorch() throws {
        #expect(Tensor(concatenating: [a, b], axis: 1) == (try OpsFixtures.tensor("layout.concat_channels")))
        #expect(Tensor(concatenating: [a, a * 2], axis: 0) == (try OpsFixtures.tensor("layout.concat_batch")))
    }

    @Test func permutationsMatchTorch() throws {
        #expect(a.permuted([0, 2, 3, 1]) == (try OpsFixtures.tensor("layout.permute_0231")))
        #expect(a.permuted([2, 0, 3, 1]) == (try OpsFixtures.tensor("layout.permute_2031")))
        #expect(a.permuted([0, 1, 2, 3]) == a)
    }

    @Test func imageTokensRoundTrip() throws {
        let tokens = a.channelsLastSequence()
        #expect(tokens == (try OpsFixtures.tensor("layout.tokens")))
        #expect(tokens.channelsFirstImage(height: 4, width: 5) == a)
    }

    @Test func chunkAndSliceMatchTorch() throws {
        let chunks = a.chunked(5, axis: -1)
        #expect(chunks.count == 5)
        #expect(chunks[1] == (try OpsFixtures.tensor("layout.chunk_last_1")))
        #expect(a.sliced(1..<2, axis: 0) == (try OpsFixtures.tensor("layout.slice_batch_1")))
        #expect(Tensor(concatenating: a.chunked(2, axis: 0), axis: 0) == a)
    }

    @Test func embeddingRowsAreGathered() {
        let table = Tensor(shape: [4, 3], scalars: (0..<12).map(Float.init))
        #expect(table.rows(at: [2, 0, 2]) == Tensor(shape: [3, 3], scalars: [6, 7, 8, 0, 1, 2, 6, 7, 8]))
    }
}

@Suite("Element-wise arithmetic")
struct OpsArithmeticTests {
    let x = Tensor(shape: [2, 3], scalars: [1, -2, 3, 4, 0.5, -6])
    let y = Tensor(shape: [2, 3], scalars: [2, 2, -1, 0.25, 4, 3])

    @Test func tensorTensorOperations() {
        #expect((x + y).scalars == [3, 0, 2, 4.25, 4.5, -3])
        #expect((x - y).scalars == [-1, -4, 4, 3.75, -3.5, -9])
        #expect((x * y).scalars == [2, -4, -3, 1, 2, -18])
        var sum = x
        sum += y
        #expect(sum == x + y)
    }

    @Test func scalarOperations() {
        #expect((x * 2).scalars == [2, -4, 6, 8, 1, -12])
        #expect((0.5 * x) == x / 2)
        #expect((x + 1).scalars == [2, -1, 4, 5, 1.5, -5])
    }

    @Test func largeTensorsSplitAcrossCoresGiveTheSameResult() {
        let count = 3 * Tensor.elementwiseGrain + 17
        let large = Tensor(shape: [count], scalars: (0..<count).map { Float($0 % 1000) - 500 })
        let doubled = large.map { 2 * $0 }
        #expect(doubled.scalars == large.scalars.map { 2 * $0 })
        #expect((large + large) == doubled)
    }

    @Test func channelBiasBroadcastsOverPlanes() {
        let image = Tensor(shape: [2, 2, 1, 2], scalars: [0, 1, 2, 3, 4, 5, 6, 7])
        let shared = image.addingChannelBias(Tensor(shape: [2], scalars: [10, 20]))
        #expect(shared.scalars == [10, 11, 22, 23, 14, 15, 26, 27])
        let perItem = image.addingChannelBias(Tensor(shape: [2, 2], scalars: [10, 20, 30, 40]))
        #expect(perItem.scalars == [10, 11, 22, 23, 34, 35, 46, 47])
    }
}
