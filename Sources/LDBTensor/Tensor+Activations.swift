import Foundation

/// The point-wise non-linearities of CLIP, the UNet and the VAE.
extension Tensor {
    /// SiLU (swish): `x · sigmoid(x)`, as `torch.nn.functional.silu`.
    public func silu() -> Tensor {
        typealias Lanes = VectorExponential
        var result = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { destination in
                guard let source = source.baseAddress, let destination = destination.baseAddress else { return }
                Parallel.forEachChunk(of: count, minimumChunk: Self.elementwiseGrain) { range in
                    for start in stride(from: range.lowerBound, to: range.upperBound, by: Lanes.width) {
                        let lanes = min(Lanes.width, range.upperBound - start)
                        let x = Lanes.load(source + start, count: lanes, padding: 0)
                        Lanes.store(x / (1 + Lanes.exp(-x)), to: destination + start, count: lanes)
                    }
                }
            }
        }
        return Tensor(shape: shape, scalars: result)
    }

    /// GELU in its exact form, `x/2 · (1 + erf(x/√2))`, as `torch.nn.functional.gelu` with its default
    /// `approximate="none"`.
    public func gelu() -> Tensor {
        map { Self.gelu($0) }
    }

    /// CLIP's quick GELU, `x · sigmoid(1.702 x)`.
    public func quickGELU() -> Tensor {
        map { $0 / (1 + expf(-1.702 * $0)) }
    }

    /// GEGLU's gating as diffusers computes it: splits the last dimension into halves `(hidden, gate)` and
    /// returns `hidden · gelu(gate)`, with the last dimension halved.
    /// - Precondition: the last dimension is even.
    public func geglu() -> Tensor {
        precondition(rank >= 1 && shape[rank - 1] % 2 == 0, "geglu: last dimension of \(shape) is not even")
        let width = shape[rank - 1] / 2
        let rows = width == 0 ? 0 : count / (2 * width)
        var result = [Float](repeating: 0, count: rows * width)
        scalars.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { result in
                Parallel.forEachChunk(of: rows, minimumChunk: max(1, Self.elementwiseGrain / max(1, width))) { rowRange in
                    for row in rowRange {
                        let hidden = row * 2 * width, gate = hidden + width
                        for column in 0..<width {
                            result[row * width + column] = source[hidden + column] * Self.gelu(source[gate + column])
                        }
                    }
                }
            }
        }
        var resultShape = shape
        resultShape[rank - 1] = width
        return Tensor(shape: resultShape, scalars: result)
    }

    @inline(__always)
    static func gelu(_ x: Float) -> Float {
        0.5 * x * (1 + erff(x * Float(0.5).squareRoot()))
    }
}
