import Foundation
import LDBDiffusion
import LDBEngine
import Testing

/// The memory check before a render (docs/algorithm.md, "Memory"): the estimate from the networks'
/// configurations, and the limits it is compared with.
@Suite struct MemoryEstimateTests {
    @Test func theEstimateFollowsTheLargestActivation() throws {
        let folder = try EngineFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let engine = try EngineFixtures.engine(EngineFixtures.project(in: folder))
        // tiny-sd1's decoder: up blocks of 24, 16, 16 and 8 channels; the third block's 16 channels are upsampled
        // to full size. Its encoder starts with 8 channels; its UNet's first level has 8 (batch 2, x 8 for GEGLU).
        let small = ActivationMemory(pipeline: try EngineFixtures.pipeline(engine), width: 512, height: 256)
        #expect(small.decoder == 16 * 512 * 256 * 4)
        #expect(small.encoder == 8 * 512 * 256 * 4)
        #expect(small.unet == 2 * 8 * 8 * (64 * 32) * 4)
        let large = ActivationMemory(pipeline: try EngineFixtures.pipeline(engine), width: 1024, height: 512)
        #expect(large.decoder == 4 * small.decoder)
        #expect(Double(large.renderBytes(width: 1024, height: 512))
            >= ActivationMemory.largestActivationMultiple * Double(large.decoder))
    }

    @Test func theTightestLimitDecides() throws {
        let headroom = MemoryHeadroom(limits: [
            .init(name: "MemAvailable", bytes: 8_000_000_000, usedBytes: 0),
            .init(name: "RLIMIT_AS (ulimit -v)", bytes: 3_000_000_000, usedBytes: 2_500_000_000),
        ])
        #expect(headroom.tightest?.name == "RLIMIT_AS (ulimit -v)")
        try headroom.requireRoom(for: 400_000_000, width: 512, height: 512)
        #expect {
            try headroom.requireRoom(for: 1_200_000_000, width: 2048, height: 1024)
        } throws: { error in
            let message = String(describing: error)
            return ["2048x1024", "1.20 GB", "500 MB left of the 3.00 GB of RLIMIT_AS (ulimit -v), 2.50 GB in use"]
                .allSatisfy(message.contains)
        }
        // Reserved address space counts against RLIMIT_AS alone.
        let reserving = MemoryHeadroom(limits: [
            .init(name: "MemAvailable", bytes: 1_000_000_000, usedBytes: 0),
            .init(name: "RLIMIT_AS (ulimit -v)", bytes: 3_000_000_000, usedBytes: 1_000_000_000, countsAddressSpace: true),
        ])
        try reserving.requireRoom(for: 900_000_000, reserving: 1_000_000_000, width: 512, height: 512)
        #expect(throws: EngineError.self) {
            try reserving.requireRoom(for: 900_000_000, reserving: 1_200_000_000, width: 512, height: 512)
        }
        // No limit known: nothing to refuse.
        try MemoryHeadroom(limits: []).requireRoom(for: .max, width: 1, height: 1)
    }

    @Test func thisProcessHasLimits() {
        let headroom = MemoryHeadroom.current()
        #if os(Linux)
        #expect(headroom.limits.contains { $0.name.contains("MemAvailable") && $0.bytes > 0 })
        #endif
        #expect(headroom.limits.allSatisfy { $0.availableBytes >= 0 })
    }
}
