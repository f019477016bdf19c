import Foundation

/// Paths into `Fixtures/png/` and the expected values that `Fixtures/scripts/png_fixtures.py` wrote there.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // LDBImageTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Fixtures/png")

    static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: url(name))
    }

    static let expected: Expected? = {
        guard let data = try? Data(contentsOf: url("expected.json")) else { return nil }
        return try? JSONDecoder().decode(Expected.self, from: data)
    }()

    /// A temporary directory for files a test writes, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("LDBImageTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

struct Expected: Decodable {
    struct Image: Decodable {
        let kind: String
        let width: Int
        let height: Int
        let rgb: [UInt8]
        let alpha: [UInt8]?
        let mask: [UInt8]
    }

    struct Feather: Decodable {
        struct Case: Decodable {
            let mask: String
            let sigma: Double
            let values: [Double]
        }

        let width: Int
        let height: Int
        let masks: [String: [UInt8]]
        let cases: [Case]
    }

    struct Downsample: Decodable {
        struct Case: Decodable {
            let factor: Int
            let values: [Double]
        }

        let width: Int
        let height: Int
        let values: [Double]
        let cases: [Case]
    }

    let images: [String: Image]
    let feather: Feather
    let downsample: Downsample
}
