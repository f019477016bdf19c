import CTensorKernels

/// The point-wise non-linearities of CLIP, the UNet and the VAE, computed by the vectorised C kernels.
extension Tensor {
    /// SiLU (swish): `x · sigmoid(x)`, as `torch.nn.functional.silu`.
    public func silu() -> Tensor {
        mapElements(ldb_silu)
    }

    /// GELU in its exact form, `x/2 · (1 + erf(x/√2))`, as `torch.nn.functional.gelu` with its default
    /// `approximate="none"` (erf to within 1.5e-7, as PyTorch's own vectorised kernel computes it).
    public func gelu() -> Tensor {
        mapElements(ldb_gelu)
    }

    /// CLIP's quick GELU, `x · sigmoid(1.702 x)`.
    public func quickGELU() -> Tensor {
        mapElements(ldb_quick_gelu)
    }

    /// GEGLU's gating as diffusers computes it: splits the last dimension into halves `(hidden, gate)` and
    /// returns `hidden · gelu(gate)`, with the last dimension halved.
    /// - Precondition: the last dimension is even.
    public func geglu() -> Tensor {
        precondition(rank >= 1 && shape[rank - 1] % 2 == 0, "geglu: last dimension of \(shape) is not even")
        let width = shape[rank - 1] / 2
        let rows = width == 0 ? 0 : count / (2 * width)
        var result = Self.uninitializedScalars(count: rows * width)
        scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { result in
                guard let source = source.baseAddress, let result = result.baseAddress else { return }
                Parallel.forEachChunk(of: rows, minimumChunk: max(1, Self.elementwiseGrain / max(1, width))) { rowRange in
                    for row in rowRange {
                        let hidden = source + row * 2 * width
                        ldb_geglu(hidden, hidden + width, result + row * width, width)
                    }
                }
            }
        }
        var resultShape = shape
        resultShape[rank - 1] = width
        return Tensor(shape: resultShape, scalars: result)
    }

    /// Applies an element-wise C kernel `(source, destination, count)` to every element, in parallel.
    private func mapElements(_ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        var result = Self.uninitializedScalars(count: count)
        scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { destination in
                guard let source = source.baseAddress, let destination = destination.baseAddress else { return }
                Parallel.forEachChunk(of: count, minimumChunk: Self.elementwiseGrain) { range in
                    kernel(source + range.lowerBound, destination + range.lowerBound, range.count)
                }
            }
        }
        return Tensor(shape: shape, scalars: result)
    }
}
