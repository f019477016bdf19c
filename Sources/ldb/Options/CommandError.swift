/// Errors found by the command line itself, before the document is touched.
enum CommandError: Error, CustomStringConvertible {
    case maskSizeMismatch(path: String, mask: (Int, Int), image: (Int, Int))
    case modelNotFound(String)

    var description: String {
        switch self {
        case let .maskSizeMismatch(path, mask, image):
            "mask \(path) is \(mask.0)x\(mask.1) but the image is \(image.0)x\(image.1)"
        case let .modelNotFound(path):
            "model not found: \(path) (give a diffusers model folder, a .safetensors checkpoint, or a Hugging Face id in the local cache)"
        }
    }
}
