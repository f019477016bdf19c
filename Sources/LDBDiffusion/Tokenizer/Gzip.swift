import CZlib
import Foundation

/// Decompression of gzip (and zlib) data through the system zlib.
enum Gzip {
    /// Why data could not be decompressed.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The decompressed bytes of one gzip or zlib stream.
    static func decompress(_ data: Data) throws(Failure) -> Data {
        var stream = z_stream()
        // 15 + 32: the largest window, and detect a gzip or zlib header.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "zlib could not start: \(message(of: stream))")
        }
        defer { inflateEnd(&stream) }

        var input = [UInt8](data)
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status = Z_OK
        input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = uInt(chunkBuffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: chunkBuffer[..<(chunkBuffer.count - Int(stream.avail_out))])
                }
            } while status == Z_OK
        }
        switch status {
        case Z_STREAM_END:
            return output
        case Z_BUF_ERROR:
            throw Failure(description: "the compressed data ends early")
        default:
            throw Failure(description: "not valid gzip data (\(message(of: stream)))")
        }
    }

    private static func message(of stream: z_stream) -> String {
        stream.msg.map { String(cString: $0) } ?? "zlib error"
    }
}
