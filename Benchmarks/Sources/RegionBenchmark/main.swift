import Foundation
import LDBDiffusion
import LDBDocument
import LDBEngine

// What region mode and the preview decoder save (issue 10): one layer with a square box edited three ways —
// added, its seed changed, its strength changed — each rendered in every mode asked for (full mode, crop mode,
// crop mode decoded by a preview decoder), rotating which goes first, R runs each. Reports medians of the
// render's stage seconds (model load excluded), of each stage's seconds, and the UNet cells. The base and the
// layer both use --guidance.
//
//     swift build -c release --package-path Benchmarks --scratch-path .build-enginebench --product region-benchmark
//     .build-enginebench/release/region-benchmark --model /tmp/sd15-random [--size 512] [--steps 13]
//         [--blend-steps 2] [--regen-steps 5] [--guidance 7.5] [--box 128] [--margin 8] [--runs 3]
//         [--preview-decoder /tmp/taesd-random] [--modes full,crop,crop-preview] [--compute fp32|bf16]

struct Options {
    var model = URL(fileURLWithPath: "Fixtures/models/tiny-sd1")
    var previewDecoder: URL?
    var modes: [String]?
    var guidance = 7.5
    var precision = WeightPrecision.float32
    var size = 512, steps = 13, blendSteps = 2, regenSteps = 5, box = 128, margin = 8, runs = 3

    init(_ arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        while let name = iterator.next() {
            guard let value = iterator.next() else { throw Failure("\(name) needs a value") }
            switch name {
            case "--model":
                model = URL(fileURLWithPath: value)
                continue
            case "--preview-decoder":
                previewDecoder = URL(fileURLWithPath: value)
                continue
            case "--modes":
                modes = value.split(separator: ",").map(String.init)
                continue
            case "--compute":
                switch value {
                case "fp32": precision = .float32
                case "bf16": precision = .bfloat16
                default: throw Failure("--compute \(value) is neither fp32 nor bf16")
                }
                continue
            case "--guidance":
                guard let number = Double(value), number.isFinite, number >= 0 else {
                    throw Failure("--guidance \(value) is not a number >= 0")
                }
                guidance = number
                continue
            default:
                break
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
    /// The process's CPU seconds (user + system) during the render: less sensitive to other programs' load than
    /// the wall clock; an idle 2-core machine needs at least half of it in wall time.
    var cpuSeconds: [Double] = []
    var stageSeconds: [String: [Double]] = [:]
    var cells: [Int] = []
    var decodedPixels: [Int] = []

    mutating func add(_ stats: RenderStats, cpuSeconds: Double) {
        self.cpuSeconds.append(cpuSeconds)
        let stages = stats.stageSeconds.filter { $0.stage != RenderStage.modelLoad.rawValue }
        seconds.append(stages.reduce(0) { $0 + $1.seconds })
        for (stage, seconds) in stages { stageSeconds[stage, default: []].append(seconds) }
        cells.append(stats.unetCells)
        decodedPixels.append(stats.vaeDecodedPixels)
    }

    /// "stage 1.23 s, …" of the stages that took time, medians.
    var stageMedians: String {
        RenderStats.stages.compactMap { stage in
            guard let values = stageSeconds[stage], Self.median(values) >= 0.005 else { return nil }
            return "\(stage) \(String(format: "%.2f", Self.median(values)))"
        }.joined(separator: ", ")
    }

    static func median<T: Comparable>(_ values: [T]) -> T { values.sorted()[values.count / 2] }
}

/// User + system CPU seconds of this process so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
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
                                   guidance: options.guidance, seed: 1234, regionMargin: options.margin)
    let project = try Project.create(
        at: folder.appendingPathComponent("benchmark.ldbproj"), settings: settings,
        model: ModelReference(location: options.model.path, fingerprint: ModelReference.fingerprint(of: options.model)),
        sourceImagePNG: nil)
    let engine = try Engine.open(project: project, weightPrecision: options.precision)
    let crop = RegionSetting(mode: .crop, margin: options.margin)
    let decoder = try options.previewDecoder.map { folder in
        PreviewDecoder(decoder: try AutoencoderTiny.load(folder: folder), fingerprint: try ModelReference.fingerprint(of: folder))
    }
    var available: [(id: String, name: String, region: RegionSetting, decoder: PreviewDecoder?)] = [
        ("full", "full", .full, nil), ("crop", "crop (c = \(options.margin))", crop, nil),
    ]
    if let decoder {
        available.append(("crop-preview", "crop (c = \(options.margin)) + preview decoder", crop, decoder))
    }
    let modes = try (options.modes ?? available.map(\.id)).map { id in
        guard let mode = available.first(where: { $0.id == id }) else {
            throw Failure("unknown mode \(id); modes: \(available.map(\.id).joined(separator: ", "))"
                + " (crop-preview needs --preview-decoder)")
        }
        return mode
    }

    log("warm-up: the base trajectory and the base picture")
    for mode in modes { _ = try engine.render(state: nil, region: mode.region, finalDecoder: mode.decoder) }

    let side = options.box, corner = (options.size - options.box) / 2
    var mask = [UInt8](repeating: 0, count: options.size * options.size)
    for y in corner..<(corner + side) {
        for x in corner..<(corner + side) { mask[y * options.size + x] = 255 }
    }
    func addLayer(seed: UInt64) throws {
        try project.commit("add layer") { state, context in
            state.layers.append(Layer(name: "box", prompt: "a red hot-air balloon", seed: seed,
                                      regenSteps: options.regenSteps, guidance: options.guidance,
                                      maskSHA256: try context.putBlob(Data(mask))))
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
            let order = modes.indices.map { (run + $0) % modes.count }
            for mode in order {
                log("\(edit.name), run \(run + 1), \(modes[mode].name)")
                let cpuStart = processCPUSeconds()
                let stats = try engine.render(state: nil, region: modes[mode].region,
                                              finalDecoder: modes[mode].decoder).stats
                series[index][mode].add(stats, cpuSeconds: processCPUSeconds() - cpuStart)
                log("  \(String(format: "%.2f", series[index][mode].seconds.last!)) s, "
                    + "\(String(format: "%.2f", series[index][mode].cpuSeconds.last!)) CPU s, \(stats.unetCells) cells; "
                    + stats.stageSeconds.filter { $0.seconds >= 0.005 }
                        .map { "\($0.stage) \(String(format: "%.2f", $0.seconds))" }.joined(separator: ", "))
            }
            _ = try project.undo()
        }
    }

    let first = modes[0].name
    print("| edit | mode | seconds (median of \(options.runs)) | CPU seconds | UNet cells | decoded pixels "
        + "| seconds vs \(first) | cells vs \(first) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for (index, edit) in edits.enumerated() {
        let firstSeconds = Series.median(series[index][0].seconds), firstCells = Series.median(series[index][0].cells)
        for (mode, measured) in series[index].enumerated() {
            let seconds = Series.median(measured.seconds), cells = Series.median(measured.cells)
            print("| \(edit.name) | \(modes[mode].name) | \(String(format: "%.2f", seconds)) | "
                + "\(String(format: "%.2f", Series.median(measured.cpuSeconds))) | \(cells) | "
                + "\(Series.median(measured.decodedPixels)) | \(String(format: "%.2fx", seconds / firstSeconds)) | "
                + "\(String(format: "%.2fx", Double(cells) / Double(firstCells))) |")
        }
    }
    print("\nStage medians (seconds):")
    for (index, edit) in edits.enumerated() {
        for (mode, measured) in series[index].enumerated() {
            print("- \(edit.name), \(modes[mode].name): \(measured.stageMedians)")
        }
    }
    print("\nEach run's seconds (\(modes.map(\.id).joined(separator: "; "))): " + edits.indices.map { index in
        "\(edits[index].name): " + series[index].map { $0.seconds.map { String(format: "%.2f", $0) }.joined(separator: " ") }
            .joined(separator: "; ")
    }.joined(separator: " | "))
} catch {
    FileHandle.standardError.write(Data("region-benchmark: \(error)\n".utf8))
    exit(1)
}
