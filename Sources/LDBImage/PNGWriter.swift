import CPNG
import Foundation

/// Encodes 8-bit samples as PNG with libpng's simplified API.
enum PNGWriter {
    /// Encodes `width * height` pixels of `layout`, row-major and channels interleaved.
    static func encode(
        _ samples: [UInt8], width: Int, height: Int, layout: PNGSamples.Layout
    ) throws(ImageError) -> Data {
        let rowStride = width * layout.channelCount
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = layout.pngFormat
        defer { png_image_free(&image) }

        // The first call only measures; the second writes into a buffer of that size.
        var size: png_alloc_size_t = 0
        let measured = samples.withUnsafeBytes { input in
            png_image_write_to_memory(&image, nil, &size, 0, input.baseAddress, Int32(rowStride), nil)
        }
        guard measured != 0 else { throw .encodingFailed(message: PNGReader.message(of: image)) }

        var encoded = Data(count: Int(size))
        let written = encoded.withUnsafeMutableBytes { output in
            samples.withUnsafeBytes { input in
                png_image_write_to_memory(&image, output.baseAddress, &size, 0, input.baseAddress, Int32(rowStride), nil)
            }
        }
        guard written != 0 else { throw .encodingFailed(message: PNGReader.message(of: image)) }
        return encoded.prefix(Int(size))
    }

    /// Writes encoded PNG bytes to `url`, replacing any file there atomically.
    static func write(_ data: Data, to url: URL) throws(ImageError) {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw .unwritableFile(path: url.path, reason: error.localizedDescription)
        }
    }
}
