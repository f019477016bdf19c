import LDBTensor
import Testing
@testable import LDBEngine

/// window(S, c), the weight w and its bilinear upsampling (docs/algorithm.md, "Region mode").
@Suite struct LatentWindowTests {
    /// A 16 × 16 support holding the cells `[y0, y1) × [x0, x1)`.
    static func support(_ y0: Int, _ y1: Int, _ x0: Int, _ x1: Int, size: Int = 16) -> [Bool] {
        (0..<(size * size)).map { index in (y0..<y1).contains(index / size) && (x0..<x1).contains(index % size) }
    }

    @Test func theBoxGrowsByTheMarginThenToAMultipleOfU() {
        // [5, 7) + 2 = [3, 9), length 6 -> 8: grows at the end to [3, 11).
        #expect(LatentWindow.around(support: Self.support(5, 7, 5, 7), height: 16, width: 16, margin: 2, multiple: 4)
            == LatentWindow(y0: 3, y1: 11, x0: 3, x1: 11))
        // At the far edge: [14, 16) + 4 clips to [10, 16), length 6 -> 8, which only the start can give.
        #expect(LatentWindow.around(support: Self.support(14, 16, 13, 16), height: 16, width: 16, margin: 4,
                                    multiple: 4) == LatentWindow(y0: 8, y1: 16, x0: 8, x1: 16))
        // A multiple of u that reaches the latent's size takes the whole dimension: [1, 13) -> 12 is less than 16,
        // [0, 14) -> 16 is not.
        #expect(LatentWindow.around(support: Self.support(3, 11, 2, 12), height: 16, width: 16, margin: 2, multiple: 4)
            == LatentWindow(y0: 1, y1: 13, x0: 0, x1: 16))
        #expect(LatentWindow.around(support: [Bool](repeating: false, count: 256), height: 16, width: 16, margin: 2,
                                    multiple: 4) == nil)
    }

    @Test func cropAndPasteAreInverse() {
        let tensor = Tensor(shape: [1, 2, 4, 6], scalars: (0..<48).map(Float.init))
        let window = LatentWindow(y0: 1, y1: 3, x0: 2, x1: 6)
        let part = window.crop(tensor)
        #expect(part.shape == [1, 2, 2, 4])
        #expect(Array(part.scalars.prefix(4)) == [8, 9, 10, 11])
        #expect(window.paste(part, into: Tensor(shape: [1, 2, 4, 6]), scale: 1).scalars.filter { $0 != 0 }.count == 16)
        #expect(window.paste(part, into: tensor) == tensor)
    }

    @Test func theWeightFallsOffWithChebyshevDistance() {
        // c = 4: r = 2, so w = 1 on S, 1/2 one cell away (diagonals too), 0 from two cells.
        let weight = RegionBlend.weight(support: Self.support(5, 6, 5, 6), height: 16, width: 16, margin: 4)
        #expect(weight[5 * 16 + 5] == 1)
        #expect(weight[4 * 16 + 4] == 0.5 && weight[6 * 16 + 5] == 0.5)
        #expect(weight[3 * 16 + 5] == 0 && weight[7 * 16 + 7] == 0)
        // c = 0 and c = 1 still blend over one cell: r = max(1, floor(c / 2)).
        #expect(RegionBlend.weight(support: Self.support(5, 6, 5, 6), height: 16, width: 16, margin: 1)[4 * 16 + 5] == 0)
    }

    @Test func bilinearUpsamplingIsTorchsWithoutAlignedCorners() {
        // torch.nn.functional.interpolate(torch.tensor([[[[0., 1.]]]]), size=(1, 4), mode="bilinear",
        // align_corners=False) is [0, 0.25, 0.75, 1].
        #expect(RegionBlend.bilinear([0, 1], height: 1, width: 2, outputHeight: 1, outputWidth: 4) == [0, 0.25, 0.75, 1])
        let square = RegionBlend.bilinear([0, 1, 2, 3], height: 2, width: 2, outputHeight: 4, outputWidth: 4)
        #expect(Array(square.prefix(4)) == [0, 0.25, 0.75, 1])
        // At (0.25, 0.25) of the source: 0.75 × (0.75 × 0 + 0.25 × 1) + 0.25 × (0.75 × 2 + 0.25 × 3).
        #expect(square[5] == 0.75)
    }
}
