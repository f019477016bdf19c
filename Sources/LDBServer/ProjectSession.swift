import Foundation
import LDBDiffusion
import LDBDocument
import LDBEngine
import LDBImage

/// One served project: its document, its renders and the pages watching it.
///
/// Renders run one at a time on the session's own thread (the engine is heavy synchronous work and must not
/// hold up the server's event loops). Every edit, through the server or by another process, starts a new
/// generation; a render of an older generation stops at its next step and is answered 409.
/// Pages subscribed to the session's events hear about changes to the file (a commit from the CLI included,
/// seen by polling its modification time and then HEAD) and about the progress of renders.
final class ProjectSession: Sendable {
    let name: String
    let project: Project
    var url: URL { project.url }

    private let preview: PreviewSettings
    private let renderQueue: DispatchQueue
    private let generation = Locked<Int>(0)
    private let engine = Locked<Engine?>(nil)
    private let weightPrecision: WeightPrecision
    private let subscribers = Locked<[UUID: AsyncStream<String>.Continuation]>([:])
    /// Dispatch sources are thread-safe; this one is only resumed in `init` and cancelled in `close`.
    nonisolated(unsafe) private let watcher: DispatchSourceTimer
    private let lastModification = Locked<Date?>(nil)
    private let lastHead = Locked<Int64?>(nil)

    init(name: String, project: Project, watchInterval: Double, preview: PreviewSettings,
         weightPrecision: WeightPrecision) {
        self.name = name
        self.project = project
        self.preview = preview
        self.weightPrecision = weightPrecision
        renderQueue = DispatchQueue(label: "ldb.render.\(name)")
        watcher = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "ldb.watch.\(name)"))
        lastModification.withLock { $0 = Self.modificationDate(of: project.url) }
        lastHead.withLock { $0 = try? project.head().id }
        watcher.schedule(deadline: .now() + watchInterval, repeating: watchInterval)
        watcher.setEventHandler { [weak self] in self?.checkForChanges() }
        watcher.resume()
    }

    func close() {
        watcher.cancel()
        generation.withLock { $0 += 1 }
        subscribers.withLock { subscribers in
            subscribers.values.forEach { $0.finish() }
            subscribers.removeAll()
        }
    }

    // MARK: Events

    /// A stream of JSON event messages for one page; it ends when the page goes or the session closes. It starts
    /// with `{"type": "subscribed", "head": …}`, so a page knows from which state on it hears every change.
    func subscribe() -> (id: UUID, events: AsyncStream<String>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(64))
        subscribers.withLock { $0[id] = continuation }
        var greeting: [String: Any] = ["type": "subscribed"]
        if let head = try? project.head().id { greeting["head"] = head }
        if let data = try? JSONSerialization.data(withJSONObject: greeting, options: [.sortedKeys]) {
            continuation.yield(String(decoding: data, as: UTF8.self))
        }
        return (id, stream)
    }

    func unsubscribe(_ id: UUID) {
        subscribers.withLock { $0.removeValue(forKey: id) }?.finish()
    }

    private func broadcast(_ event: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]) else { return }
        let message = String(decoding: data, as: UTF8.self)
        for continuation in subscribers.withLock({ Array($0.values) }) {
            continuation.yield(message)
        }
    }

    /// Called after the server changed the project: stale renders stop and pages reload.
    func didChange(head: Int64) {
        generation.withLock { $0 += 1 }
        lastHead.withLock { $0 = head }
        broadcast(["type": "changed", "head": head])
    }

    /// Looks at HEAD whenever the file was modified; a render writing its caches modifies the file too, but
    /// only a moved HEAD is a change.
    private func checkForChanges() {
        let modified = Self.modificationDate(of: url)
        let touched = lastModification.withLock { last in
            defer { last = modified }
            return last != modified
        }
        guard touched, let head = try? project.head().id else { return }
        let moved = lastHead.withLock { last in
            defer { last = head }
            return last != head
        }
        guard moved else { return }
        generation.withLock { $0 += 1 }
        broadcast(["type": "changed", "head": head])
    }

    private static func modificationDate(of url: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    }

    // MARK: Rendering

    /// The PNG of the project rendered at HEAD, which must be `expectedHead`, or of `state`, an uncommitted
    /// edit of HEAD (a slider being dragged, a stroke being painted) with the bytes of the masks it refers to
    /// that the project does not hold yet. A preview renders as `PreviewSettings` say; the final render in full
    /// mode with the model's VAE.
    /// - Throws: `APIError` 409 when HEAD moved or a newer edit or render superseded this one, or the engine's
    ///   errors.
    func render(expectedHead: Int64, state: ProjectState? = nil, masks: [Data] = [],
                quality: RenderQuality) async throws -> Data {
        let ticket = generation.withLock { value -> Int in
            value += 1
            return value
        }
        let isCancelled: @Sendable () -> Bool = { [generation] in generation.current != ticket }
        return try await onRenderThread { [self] in
            guard !isCancelled() else { throw EngineError.cancelled }
            let head = try project.head().id
            guard head == expectedHead else {
                throw DocumentError.staleHead(expected: expectedHead, found: head)
            }
            let state = try state ?? project.state()
            let region = quality == .final ? RegionSetting.full : preview.region(for: state.settings)
            broadcast(["type": "render", "stage": "start", "completed": 0, "total": 1, "head": head])
            let result = try loadedEngine().render(
                state: state, masks: masks, region: region,
                progress: { [weak self] progress in
                    self?.broadcast(["type": "render", "stage": progress.label, "completed": progress.completed,
                                     "total": progress.total, "head": head])
                },
                finalDecoder: quality == .final ? nil : preview.decoder, isCancelled: isCancelled)
            let png = try result.image.pngData()
            broadcast(["type": "rendered", "head": head])
            return png
        }
    }

    /// The picture before any layer (the paper's "layer 0"): the source image of a real-image project, the
    /// decoded base of a generated one.
    func original() async throws -> Data {
        var state = try project.state()
        if let source = state.settings.sourceImageSHA256 { return try project.blob(source) }
        state.layers = []
        // The engine's render of no layer is decode(Z[N]), cached with the project's other renders.
        return try await onRenderThread { [self, state] in
            try loadedEngine().render(state: state).image.pngData()
        }
    }

    /// The engine, loading the project's model on first use (on the render thread).
    private func loadedEngine() throws -> Engine {
        if let engine = engine.current { return engine }
        let loaded = try Engine.open(project: project, weightPrecision: weightPrecision)
        engine.withLock { $0 = loaded }
        return loaded
    }

    private func onRenderThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            renderQueue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
