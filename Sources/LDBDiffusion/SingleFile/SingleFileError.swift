import Foundation

/// Why a single-file checkpoint could not be opened or one of its tensors read.
///
/// Every message names the file and, where one is involved, the tensor in the checkpoint's own (LDM) naming.
public enum SingleFileError: Error, CustomStringConvertible, Sendable {
    /// The file is missing, unreadable, or not a safetensors file.
    case unreadable(URL, reason: String)
    /// The file holds an SDXL checkpoint (a second text encoder under `conditioner.embedders.1`).
    case sdxl(URL)
    /// The file holds LoRA weights (keys such as `lora_unet_…` or `….lora_down.weight`), not a whole model.
    case lora(URL, example: String)
    /// The file has none of the LDM component prefixes: it is not a Stable Diffusion checkpoint.
    case notStableDiffusion(URL, examples: [String])
    /// A component of the pipeline (`UNet`, `VAE`, `text encoder`) is not in the file.
    case missingComponent(URL, component: String, expectedTensor: String)
    /// The architecture cannot be read from the tensor shapes, or is not one this package runs.
    case unsupportedArchitecture(URL, reason: String)
    /// The prediction type is needed and neither given nor stated in the file's metadata.
    case unknownPredictionType(URL, family: String)
    /// The file's metadata names a prediction type this package does not know.
    case invalidPredictionMetadata(URL, key: String, value: String)
    /// A tensor the network needs is not in the file.
    case missingTensor(URL, name: String, component: String, diffusersName: String)
    /// The network asked for a weight that has no counterpart in the LDM layout.
    case unmappedWeight(URL, component: String, diffusersName: String)
    /// A tensor has another shape than the architecture implies.
    case shapeMismatch(URL, name: String, expected: [Int], found: [Int])
    /// A tensor is stored in a type that does not convert to float32.
    case unreadableTensor(URL, name: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let url, let reason):
            "\(url.path): cannot be read as a safetensors checkpoint: \(reason)"
        case .sdxl(let url):
            "\(url.path): this is an SDXL checkpoint (it has a second text encoder, conditioner.embedders.1); "
                + "only Stable Diffusion 1.x and 2.x are supported"
        case .lora(let url, let example):
            "\(url.path): this is a LoRA file (tensor \"\(example)\"), not a whole model; "
                + "pass a full Stable Diffusion checkpoint"
        case .notStableDiffusion(let url, let examples):
            "\(url.path): not a Stable Diffusion checkpoint in the original layout (no model.diffusion_model.*, "
                + "first_stage_model.* or cond_stage_model.* tensors; found \(examples.joined(separator: ", ")))"
        case .missingComponent(let url, let component, let expectedTensor):
            "\(url.path): the checkpoint has no \(component) (tensor \"\(expectedTensor)\" is missing)"
        case .unsupportedArchitecture(let url, let reason):
            "\(url.path): \(reason)"
        case .unknownPredictionType(let url, let family):
            "\(url.path): \(family) checkpoints predict either noise or velocity, and this file does not say which; "
                + "pass --prediction v_prediction or epsilon (768×768 SD 2.x models are usually v_prediction)"
        case .invalidPredictionMetadata(let url, let key, let value):
            "\(url.path): metadata \(key) \"\(value)\" is not a known prediction type (epsilon or v)"
        case .missingTensor(let url, let name, let component, let diffusersName):
            "\(url.path): tensor \"\(name)\" is missing (the \(component)'s \(diffusersName))"
        case .unmappedWeight(let url, let component, let diffusersName):
            "\(url.path): the \(component) weight \(diffusersName) has no tensor in the original checkpoint layout"
        case .shapeMismatch(let url, let name, let expected, let found):
            "\(url.path): tensor \"\(name)\" has shape \(found), expected \(expected)"
        case .unreadableTensor(let url, let name, let reason):
            "\(url.path): tensor \"\(name)\" cannot be read: \(reason)"
        }
    }
}
