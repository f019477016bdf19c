import LDBTensor

/// The bytes of memory a loaded network's parameters occupy: four per float32 element, two per element kept in
/// half precision. Found by walking the network's stored properties, so it counts whatever the layers keep.
enum ParameterBytes {
    static func of(_ value: Any) -> Int {
        switch value {
        case let tensor as Tensor: return tensor.count * MemoryLayout<Float>.stride
        case let tensor as HalfTensor: return tensor.byteCount
        case let weight as WeightTensor: return weight.byteCount
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .struct, .enum, .optional, .tuple:
            return mirror.children.reduce(0) { $0 + of($1.value) }
        case .collection:
            // Arrays of layers; an array of plain numbers (a frequency table) holds no parameters.
            guard let first = mirror.children.first, Mirror(reflecting: first.value).displayStyle != nil else { return 0 }
            return mirror.children.reduce(0) { $0 + of($1.value) }
        default:
            // Classes, dictionaries, sets and scalars are not where layers keep their weights.
            return 0
        }
    }
}

extension UNet2DConditionModel {
    /// The bytes the loaded weights occupy in memory (half as many per weight kept at `WeightPrecision.float16`).
    public var parameterByteCount: Int { ParameterBytes.of(self) }
}

extension AutoencoderKL {
    /// The bytes the loaded weights occupy in memory (half as many per weight kept at `WeightPrecision.float16`).
    public var parameterByteCount: Int { ParameterBytes.of(self) }
}

extension CLIPTextEncoder {
    /// The bytes the loaded weights occupy in memory (half as many per weight kept at `WeightPrecision.float16`).
    public var parameterByteCount: Int { ParameterBytes.of(self) }
}

extension StableDiffusionPipeline {
    /// The bytes the three networks' loaded weights occupy in memory.
    public var parameterByteCount: Int {
        textEncoder.parameterByteCount + unet.parameterByteCount + autoencoder.parameterByteCount
    }
}
