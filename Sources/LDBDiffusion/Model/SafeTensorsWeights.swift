import Foundation
import LDBTensor

/// The weights of one component read from one or more `.safetensors` files (a single file, or the shards
/// of a sharded checkpoint), converted to float32 whatever their stored type (F32, F16, BF16, …).
///
/// Files are memory-mapped, so opening costs only their headers; each weight is read when a network asks
/// for it.
public struct SafeTensorsWeights: WeightSource {
    /// The files, in the order they were given.
    public let files: [URL]
    private let openFiles: [SafeTensorsFile]
    /// For each weight name, the index in `openFiles` of the file that holds it.
    private let fileIndexByName: [String: Int]

    /// Opens `files` and indexes the names of their tensors.
    /// - Throws: `ModelError.unreadableWeights` naming a file that cannot be opened or parsed, or that repeats
    ///   a name of an earlier file.
    public init(files: [URL]) throws(ModelError) {
        self.files = files
        var openFiles: [SafeTensorsFile] = []
        var fileIndexByName: [String: Int] = [:]
        for url in files {
            let file: SafeTensorsFile
            do {
                file = try SafeTensorsFile(contentsOf: url)
            } catch {
                throw .unreadableWeights(url, reason: String(describing: error))
            }
            for name in file.tensorNames {
                if let earlier = fileIndexByName[name] {
                    throw .unreadableWeights(url, reason: "weight \"\(name)\" is also in \(files[earlier].path)")
                }
                fileIndexByName[name] = openFiles.count
            }
            openFiles.append(file)
        }
        self.openFiles = openFiles
        self.fileIndexByName = fileIndexByName
    }

    /// Opens a single file.
    public init(file: URL) throws(ModelError) {
        try self.init(files: [file])
    }

    /// The names of all weights, sorted.
    public var names: [String] {
        fileIndexByName.keys.sorted()
    }

    public func contains(_ name: String) -> Bool {
        fileIndexByName[name] != nil
    }

    public func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        try read(name) { try $0.tensor(name, shape: shape) }
    }

    /// The weight rounded to binary16 straight from the stored type; an F16 weight keeps its bits.
    public func halfTensor(_ name: String, shape: [Int]) throws -> HalfTensor {
        try read(name) { try $0.halfTensor(name, shape: shape) }
    }

    /// `body` on the file holding `name`, its errors turned into `ModelError`s naming the weight and the file.
    private func read<Value>(_ name: String, _ body: (SafeTensorsFile) throws -> Value) throws -> Value {
        guard let index = fileIndexByName[name] else {
            throw ModelError.missingWeight(name: name, files: files)
        }
        do {
            return try body(openFiles[index])
        } catch let error as SafeTensorsError {
            switch error {
            case let .shapeMismatch(_, _, expected, actual):
                throw ModelError.weightShapeMismatch(name: name, file: files[index], expected: expected, found: actual)
            case let .unsupportedDType(_, _, dtype, _):
                throw ModelError.unsupportedWeightType(name: name, file: files[index], type: dtype.rawValue)
            default:
                throw ModelError.unreadableWeights(files[index], reason: error.description)
            }
        }
    }
}
