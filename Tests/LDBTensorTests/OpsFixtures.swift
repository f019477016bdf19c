import Foundation
import Testing
@testable import LDBTensor

/// The PyTorch reference tensors written by `Fixtures/scripts/ops_fixtures.py` into
/// `Fixtures/ops/ops.safetensors` (the reader itself is tested against files the `safetensors` package wrote).
enum OpsFixtures {
    static let file = Result {
        try SafeTensorsFile(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // LDBTensorTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .appendingPathComponent("Fixtures/ops/ops.safetensors"))
    }

    /// The reference tensor `name` (`"<case>.<role>"`).
    static func tensor(_ name: String) throws -> Tensor {
        try file.get().tensor(name)
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
