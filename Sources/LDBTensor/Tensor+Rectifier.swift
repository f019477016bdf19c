import Foundation

/// The non-linearities of the tiny autoencoder (TAESD): ReLU, and the tanh that soft-clamps its latents.
extension Tensor {
    /// Replaces every element `x` with its ReLU, `max(x, 0)`, in place, as `torch.relu_` (a NaN stays NaN).
    public mutating func applyReLU() {
        scalars.withUnsafeMutableBufferPointer { values in
            Parallel.forEachChunk(of: values.count, minimumChunk: Self.elementwiseGrain) { range in
                for index in range { values[index] = values[index] < 0 ? 0 : values[index] }
            }
        }
    }

    /// The hyperbolic tangent of every element, as `torch.tanh` (glibc's `tanhf`, within 2 ulp of the exact value).
    public func tanh() -> Tensor {
        map { Foundation.tanh($0) }
    }
}
