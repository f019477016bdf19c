import CZlib

/// Decodes 16-bit Adam7-interlaced PNGs to 8-bit samples without libpng's simplified reader.
///
/// When that reader scales 16-bit samples to 8 bits in an interlaced image, it copies stale rows over the
/// pixels of earlier passes (pnggroup/libpng#853, fixed upstream in 2026 but present in the libpng 1.6 that
/// distributions ship). So for this one case libpng only validates the file (chunks, CRCs, zlib stream) by
/// decoding it to 16 bits, and this decoder does the decoding. Samples are taken as stored (a gAMA chunk is
/// not applied, as libpng does not apply one that is close to sRGB) and rounded to 8 bits like the rest.
/// Every step is bounds-checked and fails with an error, never a trap.
enum InterlacedSixteenBitDecoder {
    /// The fields of IHDR that decide whether this decoder is needed.
    struct Header {
        let width: Int
        let height: Int
        let bitDepth: UInt8
        let colorType: UInt8
        let isInterlaced: Bool

        /// Parses IHDR, which the PNG specification requires to be the first chunk.
        init?(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count >= 29, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
            width = Int(readBigEndian32(bytes, at: 16))
            height = Int(readBigEndian32(bytes, at: 20))
            bitDepth = bytes[24]
            colorType = bytes[25]
            isInterlaced = bytes[28] == 1
        }

        var needsThisDecoder: Bool { bitDepth == 16 && isInterlaced }

        /// Channels stored in the file: gray, RGB, gray+alpha or RGBA (16-bit PNGs have no palette).
        var storedChannels: Int? {
            switch colorType {
            case 0: 1
            case 2: 3
            case 4: 2
            case 6: 4
            default: nil
            }
        }
    }

    /// Origin and spacing of the seven Adam7 passes: (x0, y0, dx, dy).
    private static let passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]

    /// Decodes the image to 8-bit samples in `layout`, which is the file's layout, plus alpha when a tRNS
    /// colour key is present.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, header: Header, layout: PNGSamples.Layout, source: String
    ) -> Result<[UInt8], ImageError> {
        func failure(_ message: String) -> Result<[UInt8], ImageError> {
            .failure(.invalidPNG(source: source, message: message))
        }
        guard let storedChannels = header.storedChannels else { return failure("invalid colour type \(header.colorType)") }
        let hasColorKey = layout.channelCount == storedChannels + 1
        guard layout.channelCount == storedChannels || hasColorKey else { return failure("unexpected channel layout") }

        var compressed = [UInt8]()
        var colorKey: [UInt16]?
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = Int(readBigEndian32(bytes, at: offset))
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let start = offset + 8
            guard length <= bytes.count - start - 4 else { return failure("chunk \(type) runs past the end of the data") }
            let body = bytes[start..<(start + length)]
            if type == "IDAT" {
                compressed.append(contentsOf: body)
            } else if type == "tRNS", length == storedChannels * 2 {
                colorKey = (0..<storedChannels).map { UInt16(body[start + 2 * $0]) << 8 | UInt16(body[start + 2 * $0 + 1]) }
            } else if type == "IEND" {
                break
            }
            offset = start + length + 4
        }
        if hasColorKey, colorKey == nil { return failure("alpha expected from a tRNS chunk that is missing") }

        let bytesPerPixel = storedChannels * 2
        let width = header.width
        let height = header.height
        var rawSize = 0
        for (x0, y0, dx, dy) in passes {
            let passWidth = (width - x0 + dx - 1) / dx
            let passHeight = (height - y0 + dy - 1) / dy
            if passWidth > 0, passHeight > 0 { rawSize += passHeight * (1 + passWidth * bytesPerPixel) }
        }
        var raw = [UInt8](repeating: 0, count: rawSize)
        var rawLength = uLongf(rawSize)
        let status = raw.withUnsafeMutableBufferPointer { output in
            compressed.withUnsafeBufferPointer { input in
                uncompress(output.baseAddress, &rawLength, input.baseAddress, uLong(input.count))
            }
        }
        // Z_BUF_ERROR with a full buffer means the stream holds more than the image needs, which libpng allows.
        guard status == Z_OK || status == Z_BUF_ERROR, rawLength == uLongf(rawSize) else {
            return failure("the image data does not inflate to \(rawSize) bytes (zlib status \(status))")
        }

        var samples16 = [UInt16](repeating: 0, count: width * height * storedChannels)
        var position = 0
        for (x0, y0, dx, dy) in passes {
            let passWidth = (width - x0 + dx - 1) / dx
            let passHeight = (height - y0 + dy - 1) / dy
            guard passWidth > 0, passHeight > 0 else { continue }
            let rowBytes = passWidth * bytesPerPixel
            var previous = [UInt8](repeating: 0, count: rowBytes)
            for passRow in 0..<passHeight {
                let filter = raw[position]
                var row = Array(raw[(position + 1)..<(position + 1 + rowBytes)])
                position += 1 + rowBytes
                guard unfilter(&row, previous: previous, filter: filter, bytesPerPixel: bytesPerPixel) else {
                    return failure("unknown filter type \(filter)")
                }
                let y = y0 + passRow * dy
                for column in 0..<passWidth {
                    let pixel = (y * width + x0 + column * dx) * storedChannels
                    for channel in 0..<storedChannels {
                        let index = (column * storedChannels + channel) * 2
                        samples16[pixel + channel] = UInt16(row[index]) << 8 | UInt16(row[index + 1])
                    }
                }
                previous = row
            }
        }

        var samples = [UInt8]()
        samples.reserveCapacity(width * height * layout.channelCount)
        for pixel in 0..<(width * height) {
            let stored = samples16[(pixel * storedChannels)..<((pixel + 1) * storedChannels)]
            // round(v * 255 / 65535) = round(v / 257); 257 is odd, so there are no ties.
            samples.append(contentsOf: stored.map { UInt8((2 * UInt32($0) + 257) / 514) })
            if let colorKey, hasColorKey {
                samples.append(stored.elementsEqual(colorKey) ? 0 : 255)
            }
        }
        return .success(samples)
    }

    /// Reverses one PNG row filter in place; false for an unknown filter type.
    private static func unfilter(_ row: inout [UInt8], previous: [UInt8], filter: UInt8, bytesPerPixel: Int) -> Bool {
        for index in row.indices {
            let left = index >= bytesPerPixel ? Int(row[index - bytesPerPixel]) : 0
            let up = Int(previous[index])
            let upLeft = index >= bytesPerPixel ? Int(previous[index - bytesPerPixel]) : 0
            let predictor: Int
            switch filter {
            case 0: predictor = 0
            case 1: predictor = left
            case 2: predictor = up
            case 3: predictor = (left + up) / 2
            case 4:
                let estimate = left + up - upLeft
                let distanceLeft = abs(estimate - left)
                let distanceUp = abs(estimate - up)
                let distanceUpLeft = abs(estimate - upLeft)
                predictor = distanceLeft <= distanceUp && distanceLeft <= distanceUpLeft ? left
                    : distanceUp <= distanceUpLeft ? up : upLeft
            default: return false
            }
            row[index] = UInt8(truncatingIfNeeded: Int(row[index]) + predictor)
        }
        return true
    }
}

/// The big-endian 32-bit integer at `offset`; the caller guarantees four bytes are there.
private func readBigEndian32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
    (0..<4).reduce(0) { $0 << 8 | UInt32(bytes[offset + $1]) }
}
