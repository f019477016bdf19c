/// Decoded 8-bit samples of a PNG, in the channel layout closest to the file's own colour type.
struct PNGSamples {
    /// The channels of one pixel, in the order they are interleaved.
    enum Layout {
        case gray, grayAlpha, rgb, rgba

        var channelCount: Int {
            switch self {
            case .gray: 1
            case .grayAlpha: 2
            case .rgb: 3
            case .rgba: 4
            }
        }

        var hasAlpha: Bool { self == .grayAlpha || self == .rgba }
    }

    let width: Int
    let height: Int
    let layout: Layout
    /// `width * height * layout.channelCount` samples, row-major, channels interleaved.
    let samples: [UInt8]

    /// One channel of every pixel, row-major.
    func plane(_ channel: Int) -> [UInt8] {
        let stride = layout.channelCount
        return (0..<(width * height)).map { samples[$0 * stride + channel] }
    }
}
