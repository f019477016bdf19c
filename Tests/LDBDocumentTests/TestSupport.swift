import Foundation
import GRDB
@testable import LDBDocument

/// A temporary folder removed when the value goes away.
final class Scratch {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("ldb-document-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    func url(_ name: String = "project.ldbproj") -> URL {
        folder.appendingPathComponent(name)
    }
}

let testModel = ModelReference(location: "/models/tiny-sd", fingerprint: String(repeating: "ab", count: 32))

func testSettings(width: Int = 32, height: Int = 24, seed: UInt64? = 42) -> ProjectSettings {
    ProjectSettings(
        width: width, height: height, steps: 20, blendSteps: 2, prompt: "a lake at dawn",
        negativePrompt: "blurry", guidance: 7.5, seed: seed, sourceImageSHA256: nil, keepBackground: false)
}

/// A mask of `width * height` bytes, 255 inside the rectangle starting at (x, y).
func testMask(width: Int = 32, height: Int = 24, x: Int = 0, y: Int = 0, size: Int = 8) -> Data {
    var bytes = [UInt8](repeating: 0, count: width * height)
    for row in y..<min(y + size, height) {
        for column in x..<min(x + size, width) { bytes[row * width + column] = 255 }
    }
    return Data(bytes)
}

func testLayer(_ name: String, mask: String, seed: UInt64 = 7) -> Layer {
    Layer(name: name, prompt: "a boat", seed: seed, regenSteps: 10, maskSHA256: mask)
}

/// Creates a project with `layerCount` layers named "layer 0", "layer 1"... sharing one mask.
func makeProject(in scratch: Scratch, layerCount: Int = 0, name: String = "project.ldbproj") throws -> Project {
    let project = try Project.create(
        at: scratch.url(name), settings: testSettings(), model: testModel, sourceImagePNG: nil)
    if layerCount > 0 {
        try project.commit("add \(layerCount) layers") { state, context in
            let mask = try context.putBlob(testMask())
            for index in 0..<layerCount {
                state.layers.append(testLayer("layer \(index)", mask: mask, seed: UInt64(index)))
            }
        }
    }
    return project
}

func fileBytes(_ url: URL) throws -> Data {
    try Data(contentsOf: url)
}

/// Pages in use (excluding free pages) times the page size.
func usedBytes(_ project: Project) throws -> Int {
    try project.database.read { db in
        let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
        let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        return (pages - free) * pageSize
    }
}
