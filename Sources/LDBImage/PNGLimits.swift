/// Limits that the PNG reader (and ``Mask/rectangle(width:height:x:y:w:h:)``) enforce before allocating pixels.
public enum PNGLimits {
    /// The largest width or height, in pixels, that the reader accepts.
    public static let maximumSide = 16384
}
