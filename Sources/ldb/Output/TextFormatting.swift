import Foundation
import LDBDocument
import LDBEditing

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
