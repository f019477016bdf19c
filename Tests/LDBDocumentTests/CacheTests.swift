import Foundation
import GRDB
import Testing
@testable import LDBDocument

@Suite struct CacheTests {
    @Test func storedEntriesComeBackAndAddNoRevision() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 1)
        let head = try project.head()
        let latent = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 / 7) })
        try project.storeCache(.layerResult, key: "k1", data: latent)
        #expect(try project.cachedData(.layerResult, key: "k1") == latent)
        #expect(try project.cachedData(.render, key: "k1") == nil)
        #expect(try project.cachedData(.layerResult, key: "other") == nil)
        #expect(try project.cacheByteCount() == latent.count)
        #expect(try project.head() == head)
    }

    @Test func trimmingEvictsLeastRecentlyUsedFirst() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch)
        for index in 0..<3 {
            try project.storeCache(.render, key: "r\(index)", data: Data(repeating: UInt8(index), count: 100))
        }
        // Make r0 the most recently used.
        try project.database.write { db in
            try db.execute(sql: "UPDATE cache_render SET last_used = 1000 + CAST(substr(key, 2) AS INTEGER)")
            try db.execute(sql: "UPDATE cache_render SET last_used = 5000 WHERE key = 'r0'")
        }
        try project.trimCaches(toBytes: 200)
        #expect(try project.cachedData(.render, key: "r0") != nil)
        #expect(try project.cachedData(.render, key: "r2") != nil)
        #expect(try project.cachedData(.render, key: "r1") == nil)
        #expect(try project.cacheByteCount() == 200)
    }

    @Test func clearingKeepsBlobsTheProjectRefersTo() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch, layerCount: 1)
        let mask = try #require(try project.state().layers.first?.maskSHA256)
        // The same bytes cached and used as a mask must survive; cache-only bytes must go.
        try project.storeCache(.baseTrajectory, key: "mask-bytes", data: testMask())
        let cacheOnly = Data(repeating: 3, count: 500)
        try project.storeCache(.baseTrajectory, key: "z", data: cacheOnly)
        try project.clearCaches()
        #expect(try project.cacheByteCount() == 0)
        #expect(try project.blob(mask) == testMask())
        let sha256 = BlobCodec.sha256Hex(cacheOnly)
        #expect(throws: DocumentError.blobNotFound(sha256)) { try project.blob(sha256) }
        try project.compact()
        #expect(try Project.open(at: scratch.url()).state() == project.state())
    }
}
