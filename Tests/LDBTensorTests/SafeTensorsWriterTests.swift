import Foundation
import Testing
import LDBTensor

/// The tensors Fixtures/scripts/safetensors_fixtures.py saves with the `safetensors` package
/// (`writer_tensors()` there): names that sort differently by case and need JSON escaping, a 0-d and an
/// empty tensor, a negative zero, a subnormal and a value beyond float16's range.
private enum WriterFixture {
    static let tensors: [String: Tensor] = [
        "weight": Tensor(shape: [3, 4], scalars: (0..<12).map { Float($0) * 0.25 - 1 }),
        "bias": Tensor(shape: [3], scalars: [0.5, -0.0, 1e-3]),
        "scalar": Tensor(shape: [], scalars: [42]),
        "empty": Tensor(shape: [2, 0], scalars: []),
        "Zed": Tensor(shape: [2, 1], scalars: [3.0e38, Float(-1e-40 as Double)]),
        "n\u{E4}me \"quoted\"\n": Tensor(shape: [2], scalars: [1, 2]),
    ]

    static func url(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/safetensors/\(name)")
    }
}

@Suite("safetensors writing")
struct SafeTensorsWriterTests {
    private func temporaryURL(_ name: String = "out.safetensors") throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ldb-safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name)
    }

    @Test(arguments: [(SafeTensorsDType.float32, "writer_f32.safetensors"), (.float16, "writer_f16.safetensors")])
    func bytesEqualTheReferenceImplementation(dtype: SafeTensorsDType, fixture: String) throws {
        let expected = try Data(contentsOf: WriterFixture.url(fixture))
        let written = try SafeTensorsWriter.encode(WriterFixture.tensors, metadata: ["format": "pt"], dtype: dtype)
        #expect(written == expected)
    }

    @Test func float32RoundTripsExactly() throws {
        var tensors = WriterFixture.tensors
        tensors["special"] = Tensor(shape: [4], scalars: [.infinity, -.infinity, .nan, .leastNonzeroMagnitude])
        let url = try temporaryURL()
        try SafeTensorsWriter.write(tensors, metadata: ["b": "2", "a": "1"], to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(file.tensorNames == tensors.keys.sorted())
        #expect(file.metadata == ["a": "1", "b": "2"])
        for (name, tensor) in tensors {
            let read = try file.tensor(name)
            #expect(read.shape == tensor.shape)
            #expect(read.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern), "\(name)")
            #expect(try file.info(name).dtype == .float32)
        }
    }

    @Test(arguments: [SafeTensorsDType.float16, .bfloat16])
    func halfPrecisionStoresRoundedValues(dtype: SafeTensorsDType) throws {
        let url = try temporaryURL()
        try SafeTensorsWriter.write(WriterFixture.tensors, dtype: dtype, to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        for (name, tensor) in WriterFixture.tensors {
            let rounded = tensor.scalars.map {
                dtype == .float16 ? Float(float16Bits: $0.float16Bits) : Float(bfloat16Bits: $0.bfloat16Bits)
            }
            #expect(try file.info(name).dtype == dtype)
            #expect(try file.tensor(name).scalars.map(\.bitPattern) == rounded.map(\.bitPattern), "\(name)")
        }
    }

    @Test func headerIsPaddedSortedAndDeterministic() throws {
        let metadata = ["zeta": "last", "alpha": "first", "mid": "\u{1}\t"]
        let first = try SafeTensorsWriter.encode(WriterFixture.tensors, metadata: metadata)
        let second = try SafeTensorsWriter.encode(WriterFixture.tensors, metadata: metadata)
        #expect(first == second)
        let length = first.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(length % 8 == 0)
        let header = try #require(String(data: first.subdata(in: 8..<8 + length), encoding: .utf8))
        #expect(header.hasPrefix(#"{"__metadata__":{"alpha":"first","mid":"\u0001\t","zeta":"last"},"Zed":"#))
        #expect(header.hasSuffix("}") || header.hasSuffix(" "))
    }

    @Test func emptyFileHasAnEmptyHeader() throws {
        let bytes = try SafeTensorsWriter.encode([:])
        #expect(Array(bytes) == [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
        let url = try temporaryURL()
        try bytes.write(to: url)
        #expect(try SafeTensorsFile(contentsOf: url).tensorNames.isEmpty)
    }

    @Test func reservedNameAndUnsupportedDTypeAreRefused() throws {
        let url = try temporaryURL()
        #expect(throws: SafeTensorsError.invalidTensorName(file: url.path, name: "__metadata__")) {
            try SafeTensorsWriter.write(["__metadata__": Tensor(shape: [1])], to: url)
        }
        #expect(throws: SafeTensorsError.unsupportedWriteDType(file: url.path, dtype: .int64)) {
            try SafeTensorsWriter.write(["x": Tensor(shape: [1])], dtype: .int64, to: url)
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func unwritableDestinationNamesTheFile() throws {
        let url = try temporaryURL().appendingPathComponent("missing-directory/out.safetensors")
        let error = #expect(throws: SafeTensorsError.self) {
            try SafeTensorsWriter.write(["x": Tensor(shape: [1])], to: url)
        }
        #expect(error?.description.contains(url.path) == true)
    }
}

@Suite("SafeTensorsWriter integers")
struct SafeTensorsWriterIntegerTests {
    @Test func integerTensorsRoundTripAsI64() throws {
        let ids = SafeTensorsWriter.IntegerTensor(shape: [1, 4], values: [49406, -1, Int64.max, 0])
        let data = try SafeTensorsWriter.encode(["x": Tensor(shape: [2], scalars: [1, 2])], integers: ["input_ids": ids])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ints-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try data.write(to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(try file.info("input_ids").dtype == .int64)
        #expect(try file.info("input_ids").shape == [1, 4])
        #expect(try file.int64s("input_ids") == ids.values)
        #expect(try file.tensor("x").scalars == [1, 2])
    }

    @Test func aNameCannotBeBothFloatAndInteger() {
        let clash = SafeTensorsWriter.IntegerTensor(shape: [1], values: [1])
        #expect(throws: SafeTensorsError.self) {
            try SafeTensorsWriter.encode(["x": Tensor(shape: [1], scalars: [0])], integers: ["x": clash])
        }
    }
}
