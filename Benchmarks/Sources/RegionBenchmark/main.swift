import Foundation
import LDBDiffusion
import LDBDocument
import LDBEngine

// What region mode saves (issue 10): one layer with a square box edited three ways — added, its seed changed,
// its strength changed — each rendered in full mode and in crop mode, alternating which goes first, R runs each.
// Reports medians of the render's stage seconds (model load excluded) and the UNet cells.
//
//     swift build -c release --package-path Benchmarks --scratch-path .build-enginebench --product region-benchmark
//     .build-enginebench/release/region-benchmark --model /tmp/sd15-random [--size 512] [--steps 13]
//         [--blend-steps 2] [--regen-steps 5] [--box 128] [--margin 8] [--runs 3]

struct Options {
    var model = URL(fileURLWithPath: "Fixtures/models/tiny-sd1")
    var size = 512, steps = 13, blendSteps = 2, regenSteps = 5, box = 128, margin = 8, runs = 3

    init(_ arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        while let name = iterator.next() {
            guard let value = iterator.next() else { throw Failure("\(name) needs a value") }
            if name == "--model" {
                model = URL(fileURLWithPath: value)
                continue
            }
            guard let number = Int(value), number > 0 else { throw Failure("\(name) \(value) is not a positive integer") }
            switch name {
            case "--size": size = number
            case "--steps": steps = number
            case "--blend-steps": blendSteps = number
            case "--regen-steps": regenSteps = number
            case "--box": box = number
            case "--margin": margin = number
            case "--runs": runs = number
            default: throw Failure("unknown option \(name)")
            }
        }
    }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The seconds (stages, model load excluded) and UNet cells of each run of one edit in one mode.
struct Series {
    var seconds: [Double] = []
    var cells: [Int] = []
    var decodedPixels: [Int] = []

    mutating func add(_ stats: RenderStats) {
        seconds.append(stats.stageSeconds.filter { $0.stage != RenderStage.modelLoad.rawValue }.reduce(0) { $0 + $1.seconds })
        cells.append(stats.unetCells)
        decodedPixels.append(stats.vaeDecodedPixels)
    }

    static func median<T: Comparable>(_ values: [T]) -> T { values.sorted()[values.count / 2] }
}

let started = DispatchTime.now()
func log(_ message: String) {
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    FileHandle.standardError.write(Data(String(format: "[%7.1f s] %@\n", elapsed, message).utf8))
}

do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ldb-region-benchmark-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let settings = ProjectSettings(width: options.size, height: options.size, steps: options.steps,
                                   blendSteps: options.blendSteps, prompt: "a harbour town at dusk, oil painting",
                                   guidance: 7.5, seed: 1234, regionMargin: options.margin)
    let project = try Project.create(
        at: folder.appendingPathComponent("benchmark.ldbproj"), settings: settings,
        model: ModelReference(location: options.model.path, fingerprint: ModelReference.fingerprint(of: options.model)),
        sourceImagePNG: nil)
    let engine = try Engine.open(project: project)
    let crop = RegionSetting(mode: .crop, margin: options.margin)
    let modes: [(name: String, region: RegionSetting)] = [("full", .full), ("crop (c = \(options.margin))", crop)]

    log("warm-up: the base trajectory and the base picture")
    _ = try engine.render(state: nil, region: .full)
    _ = try engine.render(state: nil, region: crop)

    let side = options.box, corner = (options.size - options.box) / 2
    var mask = [UInt8](repeating: 0, count: options.size * options.size)
    for y in corner..<(corner + side) {
        for x in corner..<(corner + side) { mask[y * options.size + x] = 255 }
    }
    func addLayer(seed: UInt64) throws {
        try project.commit("add layer") { state, context in
            state.layers.append(Layer(name: "box", prompt: "a red hot-air balloon", seed: seed,
                                      regenSteps: options.regenSteps, maskSHA256: try context.putBlob(Data(mask))))
        }
    }
    func editLayer(_ change: @escaping (inout Layer) -> Void) throws {
        try project.commit("edit layer") { state in change(&state.layers[0]) }
    }

    let edits: [(name: String, apply: (Int) throws -> Void)] = [
        ("new layer (\(side)x\(side) box)", { run in try addLayer(seed: 100 + UInt64(run)) }),
        ("seed change", { run in try editLayer { $0.seed = 500 + UInt64(run) } }),
        ("strength change", { run in try editLayer { $0.strength = 0.5 + 0.05 * Double(run) } }),
    ]
    var series = [[Series]](repeating: [Series](repeating: Series(), count: modes.count), count: edits.count)
    for (index, edit) in edits.enumerated() {
        if index == 1 { try addLayer(seed: 100) }
        for run in 0..<options.runs {
            try edit.apply(run)
            let order = run % 2 == 0 ? Array(modes.indices) : Array(modes.indices.reversed())
            for mode in order {
                log("\(edit.name), run \(run + 1), \(modes[mode].name)")
                series[index][mode].add(try engine.render(state: nil, region: modes[mode].region).stats)
            }
            _ = try project.undo()
        }
    }

    print("| edit | mode | seconds (median of \(options.runs)) | UNet cells | decoded pixels | seconds vs full | cells vs full |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for (index, edit) in edits.enumerated() {
        let fullSeconds = Series.median(series[index][0].seconds), fullCells = Series.median(series[index][0].cells)
        for (mode, measured) in series[index].enumerated() {
            let seconds = Series.median(measured.seconds), cells = Series.median(measured.cells)
            print("| \(edit.name) | \(modes[mode].name) | \(String(format: "%.2f", seconds)) | \(cells) | "
                + "\(Series.median(measured.decodedPixels)) | \(String(format: "%.2fx", seconds / fullSeconds)) | "
                + "\(String(format: "%.2fx", Double(cells) / Double(fullCells))) |")
        }
    }
    print("\nEach run's seconds (full; crop): " + edits.indices.map { index in
        "\(edits[index].name): " + series[index].map { $0.seconds.map { String(format: "%.2f", $0) }.joined(separator: " ") }
            .joined(separator: "; ")
    }.joined(separator: " | "))
} catch {
    FileHandle.standardError.write(Data("region-benchmark: \(error)\n".utf8))
    exit(1)
}
