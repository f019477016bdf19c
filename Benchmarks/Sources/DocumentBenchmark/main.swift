import Foundation
import LDBDocument

// Times the document at the scale of issue 2: a project of 200 layers and 10,000 revisions.
// It measures each operation in-process (the command's own work) and as the release `ldb` binary a user runs
// (process start included), alternating operations and reporting medians, then the bytes one revision adds.
//
// Usage: document-benchmark [--ldb PATH] [--runs N] [--keep DIR]

let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
}
let runs = Int(option("--runs") ?? "") ?? 21
let ldbPath = option("--ldb") ?? ".build/release/ldb"
let folder = URL(fileURLWithPath: option("--keep") ?? NSTemporaryDirectory())
    .appendingPathComponent("ldb-document-benchmark-\(getpid())", isDirectory: true)
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { if option("--keep") == nil { try? FileManager.default.removeItem(at: folder) } }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count.isMultiple(of: 2)
        ? (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2 : sorted[sorted.count / 2]
}

func ms(_ value: Double) -> String { String(format: "%.2f ms", value * 1000) }

struct CommandFailed: Error, CustomStringConvertible {
    var command: String
    var description: String { "benchmark command failed: \(command)" }
}

/// Runs `tool` with `arguments` and waits for it with `waitpid`, throwing when it fails (a failing command would
/// time nothing real). Foundation's `Process.waitUntilExit` polls a run loop and rounds times up to ~50 ms.
func run(_ tool: String, _ arguments: [String]) throws {
    var pid: pid_t = 0
    var fileActions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fileActions)
    defer { posix_spawn_file_actions_destroy(&fileActions) }
    posix_spawn_file_actions_addopen(&fileActions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&fileActions, 2, "/dev/null", O_WRONLY, 0)
    var argv: [UnsafeMutablePointer<CChar>?] = ([tool] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var status: Int32 = 0
    guard posix_spawn(&pid, tool, &fileActions, nil, &argv, environ) == 0, waitpid(pid, &status, 0) == pid,
          status == 0 else {
        throw CommandFailed(command: ([tool] + arguments).joined(separator: " "))
    }
}

// 1. Build the project through the public API, as 10,000 real commits.
let url = folder.appendingPathComponent("big.ldbproj")
let modelFolder = folder.appendingPathComponent("model", isDirectory: true)
try FileManager.default.createDirectory(at: modelFolder, withIntermediateDirectories: true)
try Data("{}".utf8).write(to: modelFolder.appendingPathComponent("model_index.json"))
let (width, height) = (512, 512)
let settings = ProjectSettings(width: width, height: height, steps: 20, blendSteps: 2,
                               prompt: "a harbour town at dusk", negativePrompt: "blurry", guidance: 7.5,
                               seed: 42, sourceImageSHA256: nil, keepBackground: false)
let model = ModelReference(location: modelFolder.path, fingerprint: try ModelReference.fingerprint(of: modelFolder))
let project = try Project.create(at: url, settings: settings, model: model, sourceImagePNG: nil)

func boxMask(_ index: Int) -> Data {
    var bytes = [UInt8](repeating: 0, count: width * height)
    let top = (index * 7) % (height - 64), left = (index * 13) % (width - 64)
    for y in top..<(top + 64) { for x in left..<(left + 64) { bytes[y * width + x] = 255 } }
    return Data(bytes)
}

let build = try seconds {
    for index in 0..<200 {
        let mask = try project.putBlob(boxMask(index))
        try project.commit("add layer \"l\(index)\"") { state in
            state.layers.append(Layer(id: 0, name: "l\(index)", visible: true,
                                      prompt: "a prompt for layer \(index), with some detail", negativePrompt: "",
                                      seed: UInt64(index), regenSteps: 10, strength: 0.7, guidance: 7.5,
                                      opacity: 1, feather: 2, invert: false, maskSHA256: mask))
        }
    }
    // Each layer's strength steps through 0.01, 0.02, ... so that every commit changes something.
    for revision in 200..<9_999 {
        try project.commit("set strength of \"l\(revision % 200)\"") { state in
            state.layers[revision % 200].strength = Double(revision / 200) / 100
        }
    }
}
let revisionCount = try project.revisions().count
print("built \(revisionCount) revisions, \(try project.state().layers.count) layers in \(String(format: "%.1f", build)) s")

// 2. Bytes a revision adds when no mask changes: file growth over 1,000 more commits.
func fileSize() throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
}
let sizeBefore = try fileSize()
for revision in 0..<1_000 {
    try project.commit("set guidance of \"l\(revision % 200)\"") { state in
        state.layers[revision % 200].guidance = 5 + Double(revision % 7)
    }
}
let bytesPerRevision = Double(try fileSize() - sizeBefore) / 1_000

// 3. In-process timings: open + state (what `info` does), undo, redo, add a layer.
let addMask = try project.putBlob(boxMask(1_000))
var inProcess: [String: [Double]] = [:]
for round in 0..<runs {
    inProcess["open + info", default: []].append(try seconds {
        let opened = try Project.open(at: url)
        _ = try opened.state()
        _ = try opened.head()
    })
    let opened = try Project.open(at: url)
    inProcess["undo", default: []].append(try seconds { _ = try opened.undo() })
    inProcess["redo", default: []].append(try seconds { _ = try opened.redo() })
    inProcess["layer add", default: []].append(try seconds {
        try opened.commit("add layer \"bench\(round)\"") { state in
            state.layers.append(Layer(id: 0, name: "bench\(round)", visible: true, prompt: "x", negativePrompt: "",
                                      seed: 1, regenSteps: 10, strength: 0.7, guidance: 7.5, opacity: 1,
                                      feather: 0, invert: false, maskSHA256: addMask))
        }
    })
    _ = try opened.undo()
}

// 4. The release binary as a user runs it; `ldb --version` is the cost of starting any process.
var processTimes: [String: [Double]] = [:]
let haveBinary = FileManager.default.isExecutableFile(atPath: ldbPath)
if haveBinary {
    for round in 0..<runs {
        processTimes["process start (ldb --version)", default: []].append(try seconds { try run(ldbPath, ["--version"]) })
        processTimes["ldb info", default: []].append(try seconds { try run(ldbPath, ["info", url.path]) })
        processTimes["ldb undo", default: []].append(try seconds { try run(ldbPath, ["undo", url.path]) })
        processTimes["ldb redo", default: []].append(try seconds { try run(ldbPath, ["redo", url.path]) })
        processTimes["ldb layer add", default: []].append(try seconds {
            try run(ldbPath, ["layer", "add", url.path, "--name", "cli\(round)", "--prompt", "x",
                              "--box", "0,0,64,64", "--seed", "1"])
        })
        try run(ldbPath, ["undo", url.path])
    }
}

print("\n| operation (200 layers, \(revisionCount) revisions) | in-process median | `ldb` process median |")
print("| --- | --- | --- |")
let pairs = [("open + info", "ldb info"), ("undo", "ldb undo"), ("redo", "ldb redo"), ("layer add", "ldb layer add")]
for (own, binary) in pairs {
    let processCell = processTimes[binary].map { ms(median($0)) } ?? "(no binary at \(ldbPath))"
    print("| \(own) | \(ms(median(inProcess[own] ?? []))) | \(processCell) |")
}
if let start = processTimes["process start (ldb --version)"] {
    print("| process start (`ldb --version`) | | \(ms(median(start))) |")
}
print("\nbytes per revision without a mask change: \(String(format: "%.0f", bytesPerRevision)) B (file growth over 1,000 commits)")
print("runs: \(runs), medians; file: \(url.path)")
