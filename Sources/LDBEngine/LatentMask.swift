import Foundation
import LDBDocument
import LDBImage
import LDBTensor

/// A layer's mask at latent resolution, `(1, 1, h, w)`, broadcast over the latent's channels (docs/algorithm.md, "One
/// layer"): the area average over f × f blocks of `opacity * feather(invert ? 1 - M : M)`, where the feather
/// is a Gaussian blur of sigma `feather` pixels, skipped when `feather` is 0. On a padded canvas, each edge cell
/// averages the picture's pixels it covers (`ImagePadding.latentMask(_:)`).
public struct LatentMask: Equatable, Sendable {
    /// Latent width w.
    public let width: Int
    /// Latent height h.
    public let height: Int
    /// `width * height` weights in [0, 1], row-major.
    public let values: [Float]

    /// The latent mask of `layer`, whose mask is `edit` (already inverted when the layer says so), at the
    /// picture's size; the feather sees the picture's own border, and `padding` takes the result to the canvas.
    init(layer: Layer, edit: Mask, padding: ImagePadding) throws {
        let feathered = try edit.feathered(sigma: layer.feather)
        let opacity = Float(layer.opacity)
        let weighted = try FloatPlane(width: feathered.width, height: feathered.height,
                                      values: feathered.values.map { opacity * $0 })
        let latent = try padding.latentMask(weighted)
        width = latent.width
        height = latent.height
        values = latent.values
    }

    /// Whether the mask is zero on every cell: the layer edits nothing.
    public var isEmpty: Bool { !values.contains { $0 > 0 } }

    /// `latent + strength * noise * m`: the layer's starting latent Zhat from Z[s] and its noise eps'.
    func addingNoise(_ noise: Tensor, strength: Double, to latent: Tensor) throws -> Tensor {
        try checkShapes(noise, "noise", latent, "latent")
        let alpha = Float(strength)
        return combine(noise, latent) { noise, latent, weight in latent + alpha * noise * weight }
    }

    /// `m * result + (1 - m) * composite`: the layer's result laid over the composite below it.
    func blend(_ result: Tensor, over composite: Tensor) throws -> Tensor {
        try checkShapes(result, "layer result", composite, "composite")
        return combine(result, composite) { result, below, weight in weight * result + (1 - weight) * below }
    }

    /// Applies `operation(a, b, m)` element-wise; `a` and `b` are `[1, C, h, w]`.
    private func combine(_ a: Tensor, _ b: Tensor, _ operation: (Float, Float, Float) -> Float) -> Tensor {
        let plane = width * height
        var scalars = [Float](repeating: 0, count: a.count)
        for index in scalars.indices {
            scalars[index] = operation(a.scalars[index], b.scalars[index], values[index % plane])
        }
        return Tensor(shape: b.shape, scalars: scalars)
    }

    /// Checks that `b` is `[1, C, h, w]` and `a` has the same shape.
    private func checkShapes(_ a: Tensor, _ aName: String, _ b: Tensor, _ bName: String) throws {
        for (tensor, name) in [(b, bName), (a, aName)] {
            guard tensor.rank == 4, tensor.shape[0] == 1, tensor.shape[2] == height, tensor.shape[3] == width,
                  tensor.shape == b.shape
            else {
                throw EngineError.latentShapeMismatch(name: name, shape: tensor.shape, expectedHeight: height,
                                                      expectedWidth: width)
            }
        }
    }
}
