import Foundation
import LDBDiffusion
import LDBDocument
import LDBEngine
import LDBTensor

/// Builds a generated project, renders it once (warm-up), then measures each edit through the document followed
/// by a render, and the alternative for the same state:
/// (a) add a layer, (b) change one layer's prompt, (c) hide a layer, (d) undo to the state before (c), which was
/// rendered, (e) reopen the file with a fresh `Engine` and render.
///
/// (a), (b) and (c) are undone after each run, so that every run starts from the warm-up state and edits it with
/// distinct values (another seed and prompt, another layer's prompt, another layer hidden); (d) is measured after
/// each run of (c), (e) repeats the reopen-and-render cycle.
final class EngineBenchmark {
    let options: BenchmarkOptions
    private var scenarios: [Scenario] = []
    /// The visible layers and their latent masks of each scenario's state, for the alternative.
    private var states: [[(layer: Layer, mask: LatentMask)]] = []
    private var notes: [String] = []
    private let start = DispatchTime.now()

    init(options: BenchmarkOptions) {
        self.options = options
    }

    func run() throws {
        let folder = (options.keep ?? URL(fileURLWithPath: NSTemporaryDirectory()))
            .appendingPathComponent("ldb-engine-benchmark-\(getpid())", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if options.keep == nil { try? FileManager.default.removeItem(at: folder) } }
        let url = folder.appendingPathComponent("benchmark.ldbproj")

        log("creating \(url.path) with \(options.layers) layers")
        let project = try BenchmarkProject.create(at: url, options: options)
        let engine = try Engine.open(project: project)
        log("engine open (project created, model loaded)")
        try runEngineScenarios(project: project, engine: engine, url: url)
        // Engine.open runs a model folder on the native pipeline.
        try runAlternative(pipeline: engine.backend as! StableDiffusionPipeline, trajectory: engine.baseTrajectory())
        printReport(url: url)
    }

    // MARK: The engine

    private func runEngineScenarios(project: Project, engine: Engine, url: URL) throws {
        let pipeline = engine.backend
        let layerCount = options.layers

        log("warm-up render")
        var warmUp = Scenario(name: "warm-up: first render (base + \(layerCount) layers + finish)")
        let reference = try warmUp.engine.record(pipeline) { try engine.render(progress: stageLogger) }
        try append(warmUp, engine: engine)

        var adding = Scenario(name: "(a) add a layer")
        for run in 0..<options.runs {
            log("(a) run \(run + 1)")
            try BenchmarkProject.addLayer(to: project, index: layerCount + run, seed: 10_000 + UInt64(run),
                                          prompt: "a paper kite, number \(run + 1)", options: options)
            try adding.engine.record(pipeline) { try engine.render(progress: stageLogger) }
            if run == 0 { try captureState(engine) }
            _ = try project.undo()
        }
        scenarios.append(adding)

        var prompting = Scenario(name: "(b) change one layer's prompt")
        for run in 0..<options.runs {
            log("(b) run \(run + 1)")
            let index = run % layerCount
            try project.commit("set prompt of layer \(index + 1)") { state in
                state.layers[index].prompt += ", at night, take \(run + 1)"
            }
            try prompting.engine.record(pipeline) { try engine.render(progress: stageLogger) }
            if run == 0 { try captureState(engine) }
            _ = try project.undo()
        }
        scenarios.append(prompting)

        // Each run hides another layer, so every hidden state is a composite not seen before.
        let hideRuns = min(options.runs, layerCount)
        if hideRuns < options.runs {
            notes.append("(c) ran \(hideRuns) times, once per layer: hiding a layer twice would repeat a known state.")
        }
        var hiding = Scenario(name: "(c) hide a layer")
        var undoing = Scenario(name: "(d) undo to the state before (c)")
        var undoneIdentical = true
        for run in 0..<hideRuns {
            log("(c, d) run \(run + 1)")
            try project.commit("hide layer \(run + 1)") { state in state.layers[run].visible = false }
            try hiding.engine.record(pipeline) { try engine.render(progress: stageLogger) }
            if run == 0 { try captureState(engine) }
            _ = try project.undo()
            let undone = try undoing.engine.record(pipeline) { try engine.render(progress: stageLogger) }
            undoneIdentical = undoneIdentical && undone.latent.scalars == reference.latent.scalars
        }
        scenarios.append(hiding)
        try append(undoing, engine: engine)
        notes.append("(d) latent identical to the warm-up render's: \(undoneIdentical ? "yes" : "NO")")

        var reopening = Scenario(name: "(e) reopen the file and render")
        var openSeconds = Measurement()
        var reopenedIdentical = true
        for run in 0..<options.runs {
            log("(e) run \(run + 1)")
            let reopened = try openSeconds.record(pipeline) {
                try Engine.open(project: try Project.open(at: url))
            }
            let result = try reopening.engine.record(reopened.backend) { try reopened.render(progress: stageLogger) }
            reopenedIdentical = reopenedIdentical && result.latent.scalars == reference.latent.scalars
        }
        try append(reopening, engine: engine)
        notes.append("(e) latent identical to the warm-up render's: \(reopenedIdentical ? "yes" : "NO")")
        notes.append(String(format: "(e) seconds are the render's; before it, Project.open + Engine.open (model load) "
                                + "took %.2f s (median), which a fresh run of the alternative pays too.",
                            openSeconds.medianSeconds))
    }

    /// Appends `scenario` with the state at HEAD as its alternative's state.
    private func append(_ scenario: Scenario, engine: Engine) throws {
        scenarios.append(scenario)
        try captureState(engine)
    }

    /// Records the visible layers at HEAD, with their latent masks, as the last scenario's state.
    private func captureState(_ engine: Engine) throws {
        let visible = try engine.project.state().layers.filter(\.visible)
        states.append(try visible.map { ($0, try engine.latentMask(for: $0)) })
    }

    // MARK: The alternative

    private func runAlternative(pipeline: StableDiffusionPipeline, trajectory: [Tensor]) throws {
        let baseline = MaskedGenerationBaseline(pipeline: pipeline, steps: options.steps, width: options.width,
                                                height: options.height)
        switch options.alternative {
        case .measure:
            for index in scenarios.indices {
                log("alternative for \(scenarios[index].name)")
                var measurement = Measurement()
                try measurement.record(pipeline) {
                    var base = trajectory
                    if index == 0 {
                        // The first render generates the base too: N guided steps from the same seed.
                        base = try pipeline.baseTrajectory(
                            prompt: BenchmarkProject.basePrompt, guidance: 7.5, seed: BenchmarkProject.baseSeed,
                            steps: options.steps, width: options.width, height: options.height)
                    }
                    _ = try baseline.render(layers: states[index], trajectory: base)
                }
                scenarios[index].alternativeSeconds = measurement.seconds[0]
                scenarios[index].alternativeCalls = measurement.work[0].calls
                scenarios[index].alternativeSamples = measurement.work[0].samples
            }
        case .extrapolate:
            log("alternative: one layer's masked generation and one decode")
            guard let first = states[0].first else { throw BenchmarkError.missingLayer(index: 0) }
            var layer = Measurement()
            let latent = try layer.record(pipeline) {
                try baseline.blendedTrajectory(layer: first.layer, mask: first.mask, background: trajectory)
            }[options.steps]
            var decode = Measurement()
            try decode.record(pipeline) { _ = try pipeline.decode(latent: latent) }
            notes.append(String(format: "alternative extrapolated: one layer's %d-step masked generation took %.2f s "
                                    + "(%@ UNet calls), one decode %.2f s; k layers ≈ k × layer + decode "
                                    + "(the warm-up adds one more N-step run for the base).",
                                options.steps, layer.seconds[0], layer.workDescription, decode.seconds[0]))
            for index in scenarios.indices {
                let runs = states[index].count + (index == 0 ? 1 : 0)
                scenarios[index].alternativeSeconds = Double(runs) * layer.seconds[0] + decode.seconds[0]
                scenarios[index].alternativeCalls = runs * layer.work[0].calls
                scenarios[index].alternativeSamples = runs * layer.work[0].samples
                scenarios[index].alternativeEstimated = true
            }
        }
    }

    // MARK: Report

    private func printReport(url: URL) {
        let threads = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset"
        print("""

            model \(options.model.path), \(options.width)x\(options.height), N = \(options.steps), \
            B = \(options.blendSteps), \(options.layers) layers with n = \(options.regenSteps), \
            runs R = \(options.runs) (medians), alternative \(options.alternative.rawValue)d, \
            OPENBLAS_NUM_THREADS=\(threads)

            """)
        print(Scenario.header)
        for scenario in scenarios { print(scenario.row) }
        print("")
        for note in notes { print("- \(note)") }
        print(String(format: "- total benchmark time %.0f s; project %@", elapsed, url.path))
    }

    /// Logs the end of each render stage, so that a long run shows where it is.
    private var stageLogger: EngineProgress {
        let start = start
        return { progress in
            if progress.completed == progress.total {
                Self.log("  \(progress.label): \(progress.total) done", since: start)
            }
        }
    }

    /// Seconds since the benchmark started.
    private var elapsed: Double { Self.seconds(since: start) }

    private func log(_ message: String) {
        Self.log(message, since: start)
    }

    /// Writes `message` to standard error, after the seconds since `start`.
    private static func log(_ message: String, since start: DispatchTime) {
        let line = String(format: "[%7.1f s] %@\n", seconds(since: start), message)
        FileHandle.standardError.write(Data(line.utf8))
    }

    private static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
