import Foundation
import Testing
import LDBTensor

/// Expected contents of Fixtures/safetensors/dtypes.safetensors, recorded by
/// Fixtures/scripts/safetensors_fixtures.py alongside the file the `safetensors` package wrote.
private struct DTypesReference: Decodable {
    struct Entry: Decodable {
        let dtype: String
        let shape: [Int]
        let floatBits: [UInt32]
        let ints: [String]?

        private enum CodingKeys: String, CodingKey {
            case dtype, shape, ints
            case floatBits = "float_bits"
        }
    }

    let metadata: [String: String]
    let tensors: [String: Entry]

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/safetensors")

    static func load() throws -> DTypesReference {
        let data = try Data(contentsOf: directory.appendingPathComponent("dtypes.json"))
        return try JSONDecoder().decode(DTypesReference.self, from: data)
    }
}

@Suite("safetensors reading")
struct SafeTensorsReaderTests {
    private let url = DTypesReference.directory.appendingPathComponent("dtypes.safetensors")

    private static let storedDTypes: [String: SafeTensorsDType] = [
        "float32": .float32, "float16": .float16, "bfloat16": .bfloat16, "float64": .float64,
        "int64": .int64, "int32": .int32, "int16": .int16, "int8": .int8, "uint8": .uint8, "bool": .bool,
    ]

    @Test func readsEveryTensorAsPythonWroteIt() throws {
        let reference = try DTypesReference.load()
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(file.tensorNames == reference.tensors.keys.sorted())
        #expect(file.metadata == reference.metadata)
        for (name, entry) in reference.tensors {
            let info = try file.info(name)
            #expect(info.dtype == Self.storedDTypes[entry.dtype], "\(name)")
            #expect(info.shape == entry.shape, "\(name)")
            let tensor = try file.tensor(name)
            #expect(tensor.shape == entry.shape, "\(name)")
            #expect(tensor.scalars.map(\.bitPattern) == entry.floatBits, "\(name)")
            if let ints = entry.ints {
                #expect(try file.int64s(name) == ints.compactMap { Int64($0) }, "\(name)")
            }
        }
    }

    @Test func zeroDimensionalAndEmptyTensors() throws {
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(try file.tensor("f32_scalar") == Tensor(shape: [], scalars: [-2.5]))
        #expect(try file.tensor("f32_empty", shape: [0, 3]).count == 0)
        #expect(try file.int64s("timestep") == [999])
        #expect(try file.info("f32_empty").byteRange.isEmpty)
    }

    @Test func expectedShapeIsEnforced() throws {
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(try file.tensor("f32", shape: [2, 3]).shape == [2, 3])
        #expect(throws: SafeTensorsError.shapeMismatch(file: url.path, tensor: "f32", expected: [3, 2], actual: [2, 3])) {
            try file.tensor("f32", shape: [3, 2])
        }
    }

    @Test func missingTensorNamesTheFile() throws {
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(!file.contains("nope"))
        let error = #expect(throws: SafeTensorsError.self) { try file.tensor("nope") }
        #expect(error?.description == "tensor \"nope\" not found in \(url.path)")
    }

    @Test func floatTensorsAreNotIntegers() throws {
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(throws: SafeTensorsError.unsupportedDType(file: url.path, tensor: "f16", dtype: .float16, wanted: "Int64")) {
            try file.int64s("f16")
        }
    }

    @Test func missingFileIsUnreadable() {
        let missing = DTypesReference.directory.appendingPathComponent("no-such-file.safetensors")
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(contentsOf: missing) }
        #expect(error?.description.contains(missing.path) == true)
    }

    @Test func directoryIsUnreadable() {
        #expect(throws: SafeTensorsError.unreadable(file: DTypesReference.directory.path, reason: "not a regular file")) {
            try SafeTensorsFile(contentsOf: DTypesReference.directory)
        }
    }
}
