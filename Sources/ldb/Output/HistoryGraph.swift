import Foundation
import LDBDocument

/// Draws the revision tree as lanes, newest revision first, like `git log --graph`.
///
/// Revisions are drawn in descending id order; because a child is always newer than its parent, each lane
/// waits for its next revision's parent. Where several lanes wait for the same revision (a branch point),
/// they join into one before that revision's row.
struct HistoryGraph {
    var revisions: [Revision]
    var head: Int64

    func lines() -> [String] {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        var lanes: [Int64?] = []
        var rows: [(graph: String, label: String)] = []
        for revision in revisions.sorted(by: { $0.id > $1.id }) {
            let waiting = lanes.indices.filter { lanes[$0] == revision.id }
            let column: Int
            if let first = waiting.first {
                column = first
            } else if let free = lanes.firstIndex(where: { $0 == nil }) {
                column = free
            } else {
                lanes.append(nil)
                column = lanes.count - 1
            }
            if waiting.count > 1 {
                rows.append((joinRow(lanes: lanes, into: column, from: Set(waiting.dropFirst())), ""))
                for lane in waiting.dropFirst() { lanes[lane] = nil }
            }
            let cells = lanes.indices.map { $0 == column ? "●" : (lanes[$0] == nil ? " " : "│") }
            var marks = revision.id == head ? ["HEAD"] : []
            marks += revision.tags
            let label = "\(revision.id)  \(revision.description)"
                + (marks.isEmpty ? "" : "  [\(marks.joined(separator: ", "))]")
                + "  \(formatter.string(from: revision.createdAt))"
            rows.append((cells.joined(separator: " "), label))
            lanes[column] = revision.parent
            while let last = lanes.last, last == nil { lanes.removeLast() }
        }
        // Labels start in one column, after the widest graph.
        let width = rows.map(\.graph.count).max() ?? 0
        return rows.map { row in
            row.label.isEmpty ? row.graph : row.graph.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + row.label
        }
    }

    /// A row like `├─┴─┘` that joins the lanes in `joining` into lane `column`.
    private func joinRow(lanes: [Int64?], into column: Int, from joining: Set<Int>) -> String {
        let end = joining.max() ?? column
        var row = ""
        for lane in lanes.indices {
            let inside = lane > column && lane <= end
            let cell: String
            if lane == column {
                cell = "├"
            } else if joining.contains(lane) {
                cell = lane == end ? "┘" : "┴"
            } else if inside {
                cell = lanes[lane] == nil ? "─" : "┼"
            } else {
                cell = lanes[lane] == nil ? " " : "│"
            }
            row += cell
            if lane < lanes.count - 1 { row += lane >= column && lane < end ? "─" : " " }
        }
        return row
    }
}
