import LDBTensor

/// The text embeddings of the prompts an engine used last, kept across renders so that an edit (a seed, a strength,
/// a mask) does not run the text encoder again for prompts it has seen. An embedding depends only on the prompt and
/// the backend, and an engine has one backend; the entries live in memory only.
///
/// Not thread-safe: the engine uses it under its lock.
final class TextEmbeddingCache {
    private let capacity: Int
    private var entries: [String: Tensor] = [:]
    /// The prompts held, least recently used first.
    private var recent: [String] = []

    /// - Parameter capacity: the most prompts held; the least recently used goes first.
    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The embeddings of `prompt`, held or made by `compute` (and then held).
    func embeddings(of prompt: String, compute: (String) throws -> Tensor) rethrows -> Tensor {
        if let known = entries[prompt] {
            recent.removeAll { $0 == prompt }
            recent.append(prompt)
            return known
        }
        let computed = try compute(prompt)
        entries[prompt] = computed
        recent.append(prompt)
        if recent.count > capacity { entries[recent.removeFirst()] = nil }
        return computed
    }
}
