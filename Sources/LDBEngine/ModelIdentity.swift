import LDBDiffusion

/// What makes one loaded model's numbers what they are, and so part of every cache key: the fingerprint of its
/// files, the weights variant, the precision the weights are kept at, and the backend that runs the networks.
public struct ModelIdentity: Hashable, Sendable {
    /// The backend of this build: the networks in Swift on the CPU (OpenBLAS).
    public static let cpuBackend = "cpu"

    /// `ModelReference.fingerprint(of:)` of the model's files.
    public var fingerprint: String
    /// The weights variant loaded, such as "fp16"; nil for the default weights.
    public var variant: String?
    public var precision: WeightPrecision
    /// Which implementation runs the networks; another backend computes other rounding, so other keys.
    public var backend: String

    public init(fingerprint: String, variant: String? = nil, precision: WeightPrecision = .float32,
                backend: String = Self.cpuBackend) {
        self.fingerprint = fingerprint
        self.variant = variant
        self.precision = precision
        self.backend = backend
    }
}
