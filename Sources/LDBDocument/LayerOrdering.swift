/// Assigns the sparse `position` sort keys of the layer stack so that a reorder rewrites as few rows as
/// possible: a move changes one row, and everything is renumbered only when a gap becomes too small.
enum LayerOrdering {
    /// Distance between neighbours when positions are assigned afresh.
    static let spacing = 1024.0
    /// Smallest gap kept between neighbours before everything is renumbered.
    static let minimumGap = 1e-6

    /// Positions for a stack in its new order (bottom first). `previous[i]` is the position the i-th layer
    /// had before the change, nil for a new layer. The longest run of layers whose previous positions are
    /// already in order keeps them; the others are placed evenly in the gaps.
    static func positions(previous: [Double?]) -> [Double] {
        var result = [Double?](repeating: nil, count: previous.count)
        for index in longestIncreasingRun(previous) {
            result[index] = previous[index]
        }
        var index = 0
        while index < result.count {
            guard result[index] == nil else {
                index += 1
                continue
            }
            var end = index
            while end + 1 < result.count, result[end + 1] == nil { end += 1 }
            let count = end - index + 1
            let low = index > 0 ? result[index - 1] : nil
            let high = end + 1 < result.count ? result[end + 1] : nil
            for offset in 0..<count {
                let rank = Double(offset + 1)
                switch (low, high) {
                case (nil, nil): result[index + offset] = spacing * rank
                case (let low?, nil): result[index + offset] = low + spacing * rank
                case (nil, let high?): result[index + offset] = high - spacing * Double(count + 1) + spacing * rank
                case (let low?, let high?): result[index + offset] = low + (high - low) / Double(count + 1) * rank
                }
            }
            index = end + 1
        }
        let assigned = result.compactMap { $0 }
        let crowded = zip(assigned, assigned.dropFirst()).contains { !($1 - $0 >= minimumGap) }
        if crowded || assigned.contains(where: { !$0.isFinite }) {
            return (0..<previous.count).map { spacing * Double($0 + 1) }
        }
        return assigned
    }

    /// Indices of a longest strictly increasing subsequence of the non-nil values.
    private static func longestIncreasingRun(_ values: [Double?]) -> [Int] {
        // Patience sorting: tails[k] is the index ending the best run of length k + 1.
        var tails: [Int] = []
        var predecessor = [Int?](repeating: nil, count: values.count)
        for (index, value) in values.enumerated() {
            guard let value else { continue }
            var low = 0
            var high = tails.count
            while low < high {
                let middle = (low + high) / 2
                if let tail = values[tails[middle]], tail < value { low = middle + 1 } else { high = middle }
            }
            predecessor[index] = low > 0 ? tails[low - 1] : nil
            if low == tails.count { tails.append(index) } else { tails[low] = index }
        }
        var run: [Int] = []
        var cursor = tails.last
        while let index = cursor {
            run.append(index)
            cursor = predecessor[index]
        }
        return run.reversed()
    }
}
