import Foundation
import LDBTensor

/// Where a diffusers weight lives in an LDM checkpoint, and how it is turned into the diffusers tensor.
struct LDMTensorLocation: Sendable, Equatable {
    /// How the stored tensor becomes the one the network asks for.
    enum Transform: Sendable, Equatable {
        /// Used as stored.
        case none
        /// A 1×1 convolution kernel `[out, in, 1, 1]` (or a 1-D one, `[out, in, 1]`) used as a linear weight
        /// `[out, in]`, as in the VAE's mid-block attention.
        case pointwiseToLinear
        /// Part `part` of `parts` equal slices along the first axis, as q, k, v of OpenCLIP's fused `in_proj`.
        case slice(part: Int, of: Int)
    }

    /// The tensor's name in the checkpoint.
    let name: String
    let transform: Transform

    init(_ name: String, _ transform: Transform = .none) {
        self.name = name
        self.transform = transform
    }
}

/// The weights of one component of a single-file checkpoint, addressed with the names the diffusers network asks
/// for and read from their LDM counterparts.
public struct LDMWeights: WeightSource {
    /// The component, for error messages (`"UNet"`, `"VAE"`, `"text encoder"`).
    public let component: String
    let file: SafeTensorsFile
    let locate: @Sendable (String) -> LDMTensorLocation?

    init(component: String, file: SafeTensorsFile, locate: @escaping @Sendable (String) -> LDMTensorLocation?) {
        self.component = component
        self.file = file
        self.locate = locate
    }

    /// The checkpoint's name for the diffusers weight `name`, or `nil` when it has none.
    public func checkpointName(of name: String) -> String? {
        locate(name)?.name
    }

    public func contains(_ name: String) -> Bool {
        locate(name).map { file.contains($0.name) } ?? false
    }

    public func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        try read(name, shape: shape, with: file.tensor) { tensor, part in
            tensor.sliced(part * shape[0]..<(part + 1) * shape[0], axis: 0)
        } reshaped: { $0.reshaped(shape) }
    }

    /// The weight rounded to binary16 straight from the stored type (an F16 checkpoint keeps its bits), sliced
    /// or reshaped as `tensor(_:shape:)` does.
    public func halfTensor(_ name: String, shape: [Int]) throws -> HalfTensor {
        try read(name, shape: shape, with: file.halfTensor) { tensor, part in
            tensor.sliced(part * shape[0]..<(part + 1) * shape[0])
        } reshaped: { $0.reshaped(shape) }
    }

    /// Reads the checkpoint tensor behind `name` with `load` and applies its location's transform: part `part` of
    /// a fused tensor along the first axis (`slice`), or a 1×1 kernel seen as a matrix (`reshaped`).
    private func read<Stored>(_ name: String, shape: [Int], with load: (String) throws -> Stored,
                              slice: (Stored, Int) -> Stored, reshaped: (Stored) -> Stored) throws -> Stored {
        let location = try locate(name, shape: shape)
        let stored: Stored
        do {
            stored = try load(location.name)
        } catch {
            throw SingleFileError.unreadableTensor(file.url, name: location.name, reason: String(describing: error))
        }
        switch location.transform {
        case .none: return stored
        case .pointwiseToLinear: return reshaped(stored)
        case .slice(let part, _): return slice(stored, part)
        }
    }

    /// Where the diffusers weight `name` is in the checkpoint, after checking that its stored shape is the one
    /// that gives `shape`.
    private func locate(_ name: String, shape: [Int]) throws -> LDMTensorLocation {
        // Only weights (never scalars) are sliced out of fused tensors.
        guard let location = locate(name), !(shape.isEmpty && location.transform != .none) else {
            throw SingleFileError.unmappedWeight(file.url, component: component, diffusersName: name)
        }
        guard let info = try? file.info(location.name) else {
            throw SingleFileError.missingTensor(file.url, name: location.name, component: component, diffusersName: name)
        }
        let stored: [Int]
        switch location.transform {
        case .none:
            stored = shape
        case .pointwiseToLinear:
            // diffusers accepts both the convolution kernel and an already linear weight.
            let candidates = [shape, shape + [1], shape + [1, 1]]
            stored = candidates.first { $0 == info.shape } ?? shape + [1, 1]
        case .slice(_, let parts):
            stored = [shape[0] * parts] + shape.dropFirst()
        }
        guard info.shape == stored else {
            throw SingleFileError.shapeMismatch(file.url, name: location.name, expected: stored, found: info.shape)
        }
        return location
    }
}
