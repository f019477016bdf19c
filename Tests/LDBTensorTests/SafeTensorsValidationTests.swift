import Foundation
import Testing
import LDBTensor

/// Malformed files, built byte by byte, each rejected with the error that names what is wrong.
@Suite("safetensors validation")
struct SafeTensorsValidationTests {
    /// Writes `header` (after its 8-byte length, which `headerLength` overrides) and `dataSize` bytes.
    private func file(
        _ header: String, dataSize: Int = 0, headerLength: UInt64? = nil, data: [UInt8]? = nil
    ) throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ldb-safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("bad.safetensors")
        let json = Array(header.utf8)
        var bytes = withUnsafeBytes(of: (headerLength ?? UInt64(json.count)).littleEndian) { Array($0) }
        bytes += json
        bytes += data ?? [UInt8](repeating: 0, count: dataSize)
        try Data(bytes).write(to: url)
        return url
    }

    private func tensor(_ name: String, _ dtype: String, _ shape: [Int], _ begin: Int, _ end: Int) -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(begin),\(end)]}"
    }

    private func expectError(_ url: URL, _ expected: SafeTensorsError) {
        #expect(throws: expected) { try SafeTensorsFile(contentsOf: url) }
    }

    private func expectInvalidHeader(_ url: URL, mentioning fragment: String) {
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(contentsOf: url) }
        guard case let .invalidHeader(file, reason) = error else {
            Issue.record("expected an invalid header, got \(String(describing: error))")
            return
        }
        #expect(file == url.path)
        #expect(reason.contains(fragment), "\(reason)")
    }

    @Test func tooShortForTheLength() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ldb-short-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for size in [0, 5] {
            let url = directory.appendingPathComponent("short\(size).safetensors")
            try Data(repeating: 1, count: size).write(to: url)
            expectError(url, .fileTooShort(file: url.path, size: size))
            #expect(SafeTensorsError.fileTooShort(file: url.path, size: size).description.contains(url.path))
        }
    }

    @Test func headerLengthBeyondTheFile() throws {
        let url = try file("{}", headerLength: 1000)
        expectError(url, .headerBeyondFile(file: url.path, headerLength: 1000, fileSize: 10))
        let huge = try file("{}", headerLength: .max)
        expectError(huge, .headerBeyondFile(file: huge.path, headerLength: .max, fileSize: 10))
    }

    @Test func headerThatIsNotJSON() throws {
        expectInvalidHeader(try file("{\"a\": "), mentioning: "not valid JSON")
        expectInvalidHeader(try file("[1, 2]"), mentioning: "the header")
        expectInvalidHeader(try file("nothing"), mentioning: "not valid JSON")
    }

    @Test func malformedEntriesNameTheTensor() throws {
        expectInvalidHeader(try file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}"), mentioning: "\"w\"")
        expectInvalidHeader(try file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", dataSize: 4),
                            mentioning: "\"w\"")
        expectInvalidHeader(try file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", dataSize: 4),
                            mentioning: "data_offsets")
        expectInvalidHeader(try file("{\"__metadata__\":{\"k\":1}}"), mentioning: "__metadata__")
    }

    @Test func unknownDType() throws {
        let url = try file("{\(tensor("w", "F7", [1], 0, 1))}", dataSize: 1)
        expectError(url, .unknownDType(file: url.path, tensor: "w", dtype: "F7"))
    }

    @Test func negativeOrOverflowingShape() throws {
        let negative = try file("{\(tensor("w", "F32", [-1, 2], 0, 0))}")
        expectError(negative, .invalidShape(file: negative.path, tensor: "w", shape: [-1, 2]))
        let huge = try file("{\(tensor("w", "F32", [1 << 40, 1 << 40], 0, 0))}")
        expectError(huge, .invalidShape(file: huge.path, tensor: "w", shape: [1 << 40, 1 << 40]))
    }

    @Test func offsetsOutOfRange() throws {
        let past = try file("{\(tensor("w", "F32", [2], 0, 8))}", dataSize: 4)
        expectError(past, .offsetsOutOfRange(file: past.path, tensor: "w", offsets: [0, 8], dataSize: 4))
        let reversed = try file("{\(tensor("w", "F32", [1], 4, 0))}", dataSize: 4)
        expectError(reversed, .offsetsOutOfRange(file: reversed.path, tensor: "w", offsets: [4, 0], dataSize: 4))
    }

    @Test func byteCountNotMatchingTheShape() throws {
        let url = try file("{\(tensor("w", "F16", [3], 0, 4))}", dataSize: 4)
        expectError(url, .byteCountMismatch(file: url.path, tensor: "w", dtype: .float16, shape: [3], byteCount: 4, needed: 6))
    }

    @Test func overlappingTensors() throws {
        let url = try file("{\(tensor("a", "F32", [2], 0, 8)),\(tensor("b", "F32", [2], 4, 12))}", dataSize: 12)
        expectError(url, .overlappingTensors(file: url.path, first: "a", second: "b"))
    }

    @Test func bytesNotCoveredByAnyTensor() throws {
        let gap = try file("{\(tensor("a", "F32", [1], 0, 4)),\(tensor("b", "F32", [1], 8, 12))}", dataSize: 12)
        expectError(gap, .uncoveredBytes(file: gap.path, range: 4..<8))
        let trailing = try file("{\(tensor("a", "F32", [1], 0, 4))}", dataSize: 6)
        expectError(trailing, .uncoveredBytes(file: trailing.path, range: 4..<6))
    }

    @Test func unpaddedHeaderAndUnalignedData() throws {
        // A 3-byte float16 tensor area after an odd-length header: nothing is aligned.
        let header = "{\(tensor("h", "F16", [2], 0, 4)),\(tensor("i", "I32", [1], 4, 8))}"
        let url = try file(header, data: [0x00, 0x3C, 0x00, 0xC0, 0xFE, 0xFF, 0xFF, 0xFF])
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(try file.tensor("h").scalars == [1, -2])
        #expect(try file.int64s("i") == [-2])
        #expect(file.metadata.isEmpty)
    }

    @Test func unsignedValuesBeyondInt64() throws {
        let url = try file("{\(tensor("u", "U64", [2], 0, 16))}",
                           data: [1, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 8))
        #expect(throws: SafeTensorsError.integerOutOfRange(file: url.path, tensor: "u", index: 1)) {
            try SafeTensorsFile(contentsOf: url).int64s("u")
        }
        #expect(try SafeTensorsFile(contentsOf: url).tensor("u").scalars == [1, 0x1p64])
    }

    @Test func eightBitFloatsDoNotConvert() throws {
        let url = try file("{\(tensor("q", "F8_E4M3", [2], 0, 2))}", dataSize: 2)
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(try file.info("q").dtype == .float8E4M3)
        #expect(throws: SafeTensorsError.unsupportedDType(file: url.path, tensor: "q", dtype: .float8E4M3, wanted: "Float")) {
            try file.tensor("q")
        }
    }
}
