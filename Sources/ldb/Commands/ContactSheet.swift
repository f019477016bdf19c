import LDBImage

/// Pictures and masks side by side in rows on one image, each enlarged by a whole factor with nearest-neighbour
/// sampling, so that small pictures stay sharp and an edit is easy to see.
struct ContactSheet {
    /// How many pixels of the sheet one pixel of a picture becomes, in each direction.
    var scale: Int
    /// The space between tiles and around the sheet, in sheet pixels.
    var gap = 8
    /// The sheet's background, between the tiles.
    var background: (UInt8, UInt8, UInt8) = (48, 48, 48)
    private var rows: [[RGBImage]] = []

    init(scale: Int) {
        self.scale = max(1, scale)
    }

    /// Adds a picture at the end of row `row` (0 is the top one).
    mutating func append(_ picture: RGBImage, row: Int) {
        while rows.count <= row { rows.append([]) }
        rows[row].append(picture)
    }

    /// Adds a mask, white where the layer edits, at the end of row `row`.
    mutating func append(_ mask: Mask, row: Int) throws {
        append(try RGBImage(width: mask.width, height: mask.height, pixels: mask.bytes.flatMap { [$0, $0, $0] }),
               row: row)
    }

    /// The sheet: rows top to bottom (empty ones left out), tiles left to right, each row as tall as its tallest tile.
    func image() throws -> RGBImage {
        let filled = rows.filter { !$0.isEmpty }
        let rowHeights = filled.map { row in row.map(\.height).max()! * scale }
        let rowWidths = filled.map { row in row.reduce(0) { $0 + $1.width * scale + gap } + gap }
        let width = max(rowWidths.max() ?? 0, 1)
        let height = rowHeights.reduce(gap) { $0 + $1 + gap }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for index in 0..<(width * height) {
            pixels[index * 3] = background.0
            pixels[index * 3 + 1] = background.1
            pixels[index * 3 + 2] = background.2
        }
        var top = gap
        for (row, rowHeight) in zip(filled, rowHeights) {
            var left = gap
            for tile in row {
                for y in 0..<(tile.height * scale) {
                    let source = (y / scale) * tile.width
                    let destination = ((top + y) * width + left) * 3
                    for x in 0..<(tile.width * scale) {
                        let from = (source + x / scale) * 3
                        pixels[destination + x * 3] = tile.pixels[from]
                        pixels[destination + x * 3 + 1] = tile.pixels[from + 1]
                        pixels[destination + x * 3 + 2] = tile.pixels[from + 2]
                    }
                }
                left += tile.width * scale + gap
            }
            top += rowHeight + gap
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }
}
