import Foundation

/// The non-linearities of the tiny autoencoder (TAESD): ReLU, and the tanh that soft-clamps its latents.
extension Tensor {
    /// ReLU, `max(x, 0)`, as `torch.relu` (a NaN stays NaN).
    public func relu() -> Tensor {
        var result = self
        result.applyReLU()
        return result
    }

    /// Replaces every element with its ReLU in place (the residual blocks rectify their sum where it lies).
    public mutating func applyReLU() {
        scalars.withUnsafeMutableBufferPointer { values in
            Parallel.forEachChunk(of: values.count, minimumChunk: Self.elementwiseGrain) { range in
                // `x < 0 ? 0 : x` rather than `Swift.max`, which the compiler does not vectorise; it keeps NaN.
                for index in range { values[index] = values[index] < 0 ? 0 : values[index] }
            }
        }
    }

    /// The hyperbolic tangent of every element, as `torch.tanh` (glibc's `tanhf`, within 2 ulp of the exact value).
    public func tanh() -> Tensor {
        map { Foundation.tanh($0) }
    }
}
