/// CLIP's byte-pair encoding of one word, as the BPE model of Hugging Face `tokenizers` runs it with
/// `end_of_word_suffix = "</w>"` and no unknown-token fusing.
struct BytePairEncoding: Sendable {
    static let endOfWord = "</w>"

    private struct SymbolPair: Hashable, Sendable {
        let left: Int
        let right: Int
    }

    private struct Merge: Sendable {
        let rank: Int
        let result: Int
    }

    let vocabulary: [String: Int]
    private let merges: [SymbolPair: Merge]
    private let unknownID: Int

    /// - Parameters:
    ///   - merges: the merge rules, best first; each symbol and each concatenation must be in `vocabulary`.
    ///     A rule listed twice keeps its later rank, as a dictionary built from the list does.
    ///   - missingSymbol: called with the rule's index and symbol when a rule leaves the vocabulary.
    init<Failure: Error>(
        vocabulary: [String: Int],
        merges: [(String, String)],
        unknownID: Int,
        missingSymbol: (Int, String) -> Failure
    ) throws(Failure) {
        var table: [SymbolPair: Merge] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (left, right)) in merges.enumerated() {
            guard let leftID = vocabulary[left] else { throw missingSymbol(rank, left) }
            guard let rightID = vocabulary[right] else { throw missingSymbol(rank, right) }
            guard let resultID = vocabulary[left + right] else { throw missingSymbol(rank, left + right) }
            table[SymbolPair(left: leftID, right: rightID)] = Merge(rank: rank, result: resultID)
        }
        self.vocabulary = vocabulary
        self.merges = table
        self.unknownID = unknownID
    }

    /// The ids of one pre-tokenized word given as byte-level symbols.
    ///
    /// Each symbol starts as its own token (the last one with `</w>`); a symbol missing from the
    /// vocabulary becomes the unknown token. Then the adjacent pair with the best rank is merged,
    /// leftmost first, until no pair has a rule.
    func ids(forWord symbols: [Unicode.Scalar]) -> [Int] {
        var ids: [Int] = symbols.indices.map { index in
            var symbol = String(symbols[index])
            if index == symbols.index(before: symbols.endIndex) { symbol += Self.endOfWord }
            return vocabulary[symbol] ?? unknownID
        }
        while ids.count > 1 {
            var best: (position: Int, merge: Merge)?
            for position in 0..<(ids.count - 1) {
                guard let merge = merges[SymbolPair(left: ids[position], right: ids[position + 1])] else { continue }
                if let current = best, current.merge.rank <= merge.rank { continue }
                best = (position, merge)
            }
            guard let (position, merge) = best else { break }
            ids[position] = merge.result
            ids.remove(at: position + 1)
        }
        return ids
    }
}
