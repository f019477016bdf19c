import Foundation
import Testing
@testable import LDBTensor

/// The PyTorch reference tensors written by `Fixtures/scripts/ops_fixtures.py` into
/// `Fixtures/ops/ops.safetensors`, read with a minimal float32-only safetensors parser so these tests do not
/// depend on the module's own reader.
enum OpsFixtures {
    struct Missing: Error, CustomStringConvertible {
        let name: String
        var description: String { "Fixtures/ops/ops.safetensors has no float32 tensor named \(name)" }
    }

    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // LDBTensorTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Fixtures/ops/ops.safetensors")

    /// Every tensor of the file by name, parsed once.
    static let all: [String: Tensor] = (try? parse(Data(contentsOf: url))) ?? [:]

    /// The reference tensor `name` (`"<case>.<role>"`).
    static func tensor(_ name: String) throws -> Tensor {
        guard let tensor = all[name] else { throw Missing(name: name) }
        return tensor
    }

    private static func parse(_ data: Data) throws -> [String: Tensor] {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { return [:] }
        let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8 ..< 8 + headerLength])) as? [String: Any] ?? [:]
        let dataStart = 8 + headerLength
        var tensors: [String: Tensor] = [:]
        for (name, entry) in header {
            guard let entry = entry as? [String: Any], entry["dtype"] as? String == "F32",
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int],
                  offsets.count == 2 else { continue }
            let raw = bytes[(dataStart + offsets[0]) ..< (dataStart + offsets[1])]
            let scalars = stride(from: raw.startIndex, to: raw.endIndex, by: 4).map { start in
                Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(raw[start + $1]) << (8 * UInt32($1)) })
            }
            tensors[name] = Tensor(shape: shape, scalars: scalars)
        }
        return tensors
    }
}

/// Expects `actual` to have `expected`'s shape and to differ from it by at most
/// `relativeTolerance · max|expected|` in every element.
func expectClose(_ actual: Tensor, _ expected: Tensor, relativeTolerance: Float,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let magnitude = max(expected.scalars.map(abs).max() ?? 0, .leastNormalMagnitude)
    let error = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
    #expect(error <= relativeTolerance * magnitude,
            "max error \(error) exceeds \(relativeTolerance) × max|reference| \(magnitude)",
            sourceLocation: sourceLocation)
}

/// Tolerance for element-wise and normalisation ops.
let elementwiseTolerance: Float = 1e-5
/// Tolerance for ops built on sgemm.
let matrixTolerance: Float = 1e-4
