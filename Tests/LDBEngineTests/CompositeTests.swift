import Foundation
import LDBDocument
import LDBEngine
import LDBImage
import LDBTensor
import Testing

/// The composite at b = N − B (docs/algorithm.md, "Composite and finish"): layers change the latent only where their
/// masks are nonzero.
@Suite struct CompositeTests {
    @Test func aLayerWithAnEmptyMaskLeavesTheCompositeAtZb() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        let empty = try Mask(width: EngineFixtures.width, height: EngineFixtures.height,
                             bytes: [UInt8](repeating: 0, count: EngineFixtures.width * EngineFixtures.height))
        let layer = try EngineFixtures.addLayer(project, "nothing", prompt: "a red roof", seed: 5, regenSteps: 5,
                                                mask: empty) { $0.strength = 1 }
        let engine = try EngineFixtures.engine(project)

        let trajectory = try engine.baseTrajectory()
        #expect(try engine.latentMask(for: layer).values.allSatisfy { $0 == 0 })
        #expect(try engine.composite() == trajectory[4])
        // The layer is skipped: its result is Z[b], with no UNet call.
        let before = engine.backend.evaluations
        #expect(try engine.layerResult(layer) == trajectory[4])
        #expect(engine.backend.evaluations == before)
    }

    @Test func outsideTheUnionOfMasksTheCompositeIsZb() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        try EngineFixtures.addLayer(project, "roof", prompt: "a red roof", seed: 11, regenSteps: 4,
                                    mask: EngineFixtures.box(x: 0, y: 0, w: 32, h: 40)) { $0.feather = 2 }
        try EngineFixtures.addLayer(project, "sky", prompt: "a starry night sky", seed: 22, regenSteps: 5,
                                    mask: EngineFixtures.box(x: 40, y: 64, w: 24, h: 24)) { $0.opacity = 0.5 }
        let engine = try EngineFixtures.engine(project)
        let zb = try engine.baseTrajectory()[4]
        let composite = try engine.composite()
        let masks = try project.state().layers.map { try engine.latentMask(for: $0) }

        let plane = 12 * 8
        var outside = 0
        var changedInside = 0
        for position in 0..<plane {
            let covered = masks.contains { $0.values[position] != 0 }
            for channel in 0..<4 {
                let index = channel * plane + position
                if covered {
                    if composite.scalars[index] != zb.scalars[index] { changedInside += 1 }
                } else {
                    #expect(composite.scalars[index] == zb.scalars[index], "latent position \(position)")
                }
            }
            if !covered { outside += 1 }
        }
        // Roof: columns 0..<4 (feather reaches block 4 too), rows 0..<5 (+1); sky: columns 5..<8, rows 8..<11.
        #expect(outside > 40)
        #expect(changedInside > 0)
    }

    @Test func theLatentMaskFollowsInvertFeatherAndOpacity() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try EngineFixtures.project(in: folder)
        let box = try EngineFixtures.box(x: 8, y: 16, w: 16, h: 8)
        let layer = try EngineFixtures.addLayer(project, "box", prompt: "a red roof", seed: 1, regenSteps: 3,
                                                mask: box) { $0.opacity = 0.25; $0.invert = true }
        let mask = try EngineFixtures.engine(project).latentMask(for: layer)
        #expect(mask.width == 8 && mask.height == 12)
        for row in 0..<12 {
            for column in 0..<8 {
                let inside = row == 2 && (column == 1 || column == 2)
                #expect(mask.values[row * 8 + column] == (inside ? 0 : 0.25), "block (\(column), \(row))")
            }
        }
    }
}
