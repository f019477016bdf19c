import CPNG
import Foundation

/// Decodes PNG bytes with libpng's simplified API, which catches libpng's errors internally
/// (no `longjmp` crosses a Swift frame) and reports them as a status and a message.
enum PNGReader {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    static let dataSource = "PNG data"

    /// Reads and decodes the PNG file at `url`.
    static func read(contentsOf url: URL) throws(ImageError) -> PNGSamples {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path: path) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
        return try decode(data, source: path)
    }

    /// Decodes PNG bytes. Every sample is converted to 8 bits: fewer than 8 bits are scaled up,
    /// 16 bits are rounded down to the nearest 8-bit value, and palettes are expanded to RGB(A).
    static func decode(_ data: Data, source: String) throws(ImageError) -> PNGSamples {
        guard data.count >= signature.count, data.prefix(signature.count).elementsEqual(signature) else {
            throw .notPNG(source: source)
        }
        let result = data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Result<PNGSamples, ImageError> in
            decode(buffer, source: source)
        }
        return try result.get()
    }

    private static func decode(_ buffer: UnsafeRawBufferPointer, source: String) -> Result<PNGSamples, ImageError> {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }

        guard png_image_begin_read_from_memory(&image, buffer.baseAddress, buffer.count) != 0 else {
            return .failure(.invalidPNG(source: source, message: message(of: image)))
        }
        let width = Int(image.width)
        let height = Int(image.height)
        guard width <= PNGLimits.maximumSide, height <= PNGLimits.maximumSide else {
            return .failure(.imageTooLarge(source: source, width: width, height: height, limit: PNGLimits.maximumSide))
        }

        let isColor = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        let hasAlpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        let layout: PNGSamples.Layout = switch (isColor, hasAlpha) {
        case (false, false): .gray
        case (false, true): .grayAlpha
        case (true, false): .rgb
        case (true, true): .rgba
        }
        // Always ask for 8-bit, non-premultiplied samples. Without this flag libpng would treat 16-bit
        // samples as linear light and gamma-encode them; with it, 16 bits are only rounded to 8.
        image.format = layout.pngFormat
        image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)

        let rowStride = width * layout.channelCount
        if let header = InterlacedSixteenBitDecoder.Header(buffer), header.needsThisDecoder {
            // libpng decodes to 16 bits only to check the whole file; see InterlacedSixteenBitDecoder.
            image.format |= UInt32(PNG_FORMAT_FLAG_LINEAR)
            var validated = [UInt16](repeating: 0, count: rowStride * height)
            let finished = validated.withUnsafeMutableBytes { output in
                png_image_finish_read(&image, nil, output.baseAddress, Int32(rowStride), nil)
            }
            guard finished != 0 else {
                return .failure(.invalidPNG(source: source, message: message(of: image)))
            }
            return InterlacedSixteenBitDecoder.decode(buffer, header: header, layout: layout, source: source).map {
                PNGSamples(width: width, height: height, layout: layout, samples: $0)
            }
        }
        var samples = [UInt8](repeating: 0, count: rowStride * height)
        let finished = samples.withUnsafeMutableBytes { output in
            png_image_finish_read(&image, nil, output.baseAddress, Int32(rowStride), nil)
        }
        guard finished != 0 else {
            return .failure(.invalidPNG(source: source, message: message(of: image)))
        }
        return .success(PNGSamples(width: width, height: height, layout: layout, samples: samples))
    }

    /// libpng's NUL-terminated error or warning text.
    static func message(of image: png_image) -> String {
        let text = withUnsafeBytes(of: image.message) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return text.isEmpty ? "libpng gave no details" : text
    }
}

extension PNGSamples.Layout {
    /// The libpng simplified-API format with this channel layout and 8-bit samples.
    var pngFormat: UInt32 {
        switch self {
        case .gray: UInt32(PNG_FORMAT_GRAY)
        case .grayAlpha: UInt32(PNG_FORMAT_GA)
        case .rgb: UInt32(PNG_FORMAT_RGB)
        // PNG_FORMAT_RGBA is a macro built from other macros, which Swift does not import.
        case .rgba: UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        }
    }
}
