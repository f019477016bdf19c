import LDBImage
import Testing

@Suite("Rectangle masks")
struct RectangleMaskTests {
    @Test("Pixels inside the box are 255 and all others 0")
    func boxIsFilled() throws {
        let mask = try Mask.rectangle(width: 7, height: 5, x: 2, y: 1, w: 3, h: 2)
        #expect(mask.width == 7 && mask.height == 5)
        for y in 0..<5 {
            for x in 0..<7 {
                let inside = (2..<5).contains(x) && (1..<3).contains(y)
                #expect(mask.bytes[y * 7 + x] == (inside ? 255 : 0), "pixel (\(x), \(y))")
            }
        }
    }

    @Test("A box covering the whole image is allowed")
    func wholeImage() throws {
        let mask = try Mask.rectangle(width: 4, height: 3, x: 0, y: 0, w: 4, h: 3)
        #expect(mask.bytes == [UInt8](repeating: 255, count: 12))
    }

    @Test("Empty boxes are refused", arguments: [(0, 2), (2, 0), (-1, 3)])
    func emptyBox(size: (Int, Int)) {
        #expect(throws: ImageError.emptyRectangle(width: size.0, height: size.1)) {
            try Mask.rectangle(width: 7, height: 5, x: 1, y: 1, w: size.0, h: size.1)
        }
    }

    @Test("Boxes reaching outside the image are refused",
          arguments: [(-1, 0, 2, 2), (0, -1, 2, 2), (6, 0, 2, 2), (0, 4, 2, 2), (0, 0, 8, 1), (Int.max, 0, 2, 2)])
    func outsideBox(box: (Int, Int, Int, Int)) {
        #expect(throws: ImageError.rectangleOutsideImage(
            x: box.0, y: box.1, width: box.2, height: box.3, imageWidth: 7, imageHeight: 5
        )) {
            try Mask.rectangle(width: 7, height: 5, x: box.0, y: box.1, w: box.2, h: box.3)
        }
    }

    @Test("Absurd image sizes are refused before allocating")
    func absurdImage() {
        #expect(throws: ImageError.self) { try Mask.rectangle(width: Int.max, height: Int.max, x: 0, y: 0, w: 1, h: 1) }
        #expect(throws: ImageError.self) { try Mask.rectangle(width: 0, height: 5, x: 0, y: 0, w: 1, h: 1) }
    }
}
