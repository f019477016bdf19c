import Foundation

/// What `ldb demo` brings with it: the shapes model and a picture of its world, shipped as resources of the `ldb`
/// executable, so that they are found next to the binary from whatever folder it runs in.
enum DemoResources {
    /// The bundled model: a small Stable Diffusion trained on the shapes world (`Fixtures/scripts/shapes_train.py`).
    static var model: URL {
        get throws { try resource("shapes") }
    }

    /// A 64x64 shapes-world picture, "a red square and a yellow circle on a cyan sky over green grass".
    static var picture: URL {
        get throws { try resource("shapes-picture.png") }
    }

    private static func resource(_ name: String) throws -> URL {
        let url = Bundle.module.bundleURL.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MissingDemoResource(name: name, bundle: Bundle.module.bundlePath)
        }
        return url
    }
}

/// A resource of the demo that is not in the executable's resource bundle.
struct MissingDemoResource: Error, CustomStringConvertible {
    var name: String
    var bundle: String

    var description: String {
        "the demo's \(name) is missing from \(bundle); rebuild ldb, or give --model and --image"
    }
}
