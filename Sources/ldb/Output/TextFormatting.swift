import Foundation
import LDBDocument

/// A number as a person writes it: `7.5`, `0.7`, `2` (no trailing `.0`).
func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
}

/// A string in double quotes, with quotes and backslashes escaped.
func quoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

/// The layers as aligned text rows, bottom of the stack first.
func layerTable(_ layers: [Layer]) -> [String] {
    let header = ["#", "id", "name", "vis", "n", "strength", "guidance", "opacity", "feather", "seed", "prompt"]
    let rows = layers.enumerated().map { index, layer in
        [String(index), String(layer.id), layer.name + (layer.invert ? " (inverted)" : ""),
         layer.visible ? "yes" : "no", String(layer.regenSteps), formatNumber(layer.strength),
         formatNumber(layer.guidance), formatNumber(layer.opacity), formatNumber(layer.feather),
         String(layer.seed), quoted(layer.prompt)]
    }
    let table = [header] + rows
    let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
    return table.map { row in
        row.enumerated().map { column, cell in
            column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }
}
