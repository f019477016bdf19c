import Foundation
import LDBDiffusion
import LDBDocument

/// What `ldb serve` serves and how it is reached.
public struct ServerConfiguration: Sendable {
    /// The address the server binds to; loopback unless the user asks otherwise.
    public var host: String
    /// The TCP port; 0 picks a free one (tests).
    public var port: Int
    /// The secret every request must carry (start-up URL, then a cookie, or an `Authorization: Bearer` header).
    public var token: String
    /// Project files and folders whose `.ldbproj` files are served. New projects are created in the first
    /// folder (or the folder of the first file).
    public var paths: [URL]
    /// The model new projects are made with; nil takes the model of a served project.
    public var modelForNewProjects: ModelReference?
    /// The largest request body accepted, in bytes (a PNG upload in base64 included).
    public var maximumBodyBytes: Int
    /// The largest image side accepted for a new project or a mask, in pixels.
    public var maximumImageSide: Int
    /// How often the served projects' files are checked for changes made by other processes, in seconds.
    public var watchInterval: Double
    /// How live previews are rendered (region mode, preview decoder).
    public var preview: PreviewSettings
    /// How the served projects' networks compute (`--compute`): float32 by default, or bfloat16.
    public var weightPrecision: WeightPrecision = .float32

    public init(host: String = "127.0.0.1", port: Int = 7860, token: String = ServerConfiguration.randomToken(),
                paths: [URL], modelForNewProjects: ModelReference? = nil, maximumBodyBytes: Int = 24 << 20, maximumImageSide: Int = 2048,
                watchInterval: Double = 0.25, preview: PreviewSettings = PreviewSettings()) {
        self.host = host
        self.port = port
        self.token = token
        self.paths = paths
        self.modelForNewProjects = modelForNewProjects
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumImageSide = maximumImageSide
        self.watchInterval = watchInterval
        self.preview = preview
    }

    /// Whether `host` is a loopback address or name (nothing outside this machine can reach it).
    public var bindsLoopback: Bool {
        ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    /// 32 random bytes as 64 hexadecimal digits.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }
            .joined()
    }
}
