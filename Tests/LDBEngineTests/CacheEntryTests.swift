import Foundation
import LDBTensor
import Testing
@testable import LDBEngine

/// The byte layout of cache entries round-trips and refuses malformed bytes instead of crashing.
@Suite struct CacheEntryTests {
    @Test func roundTripsTensorsAndPNG() throws {
        let entry = CacheEntry(tensors: [randn([1, 4, 3, 2], seed: 1), Tensor(shape: [2], scalars: [-0.0, .infinity])],
                               png: Data([0x89, 0x50, 0x4E, 0x47]))
        let decoded = try #require(CacheEntry(data: entry.encoded()))
        #expect(decoded.tensors.map(\.shape) == [[1, 4, 3, 2], [2]])
        #expect(decoded.tensors.map { $0.scalars.map(\.bitPattern) } == entry.tensors.map { $0.scalars.map(\.bitPattern) })
        #expect(decoded.png == entry.png)
        #expect(CacheEntry(data: CacheEntry(tensors: []).encoded()) == CacheEntry(tensors: []))
    }

    @Test func layoutIsLittleEndian() {
        let bytes = [UInt8](CacheEntry(tensors: [Tensor(shape: [1], scalars: [1])]).encoded())
        #expect(bytes == Array("LDBC".utf8) + [1, 0, 0, 0] + [1, 0, 0, 0] + [1, 0, 0, 0] + [0, 0, 0x80, 0x3F]
            + [0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func malformedBytesAreRefused() {
        let valid = CacheEntry(tensors: [randn([2, 3], seed: 2)], png: Data([1, 2, 3])).encoded()
        #expect(CacheEntry(data: Data()) == nil)
        #expect(CacheEntry(data: Data("LDBX".utf8) + valid.dropFirst(4)) == nil)
        for length in [5, 12, 20, valid.count - 1] {
            #expect(CacheEntry(data: valid.prefix(length)) == nil, "truncated to \(length)")
        }
        #expect(CacheEntry(data: valid + Data([0])) == nil)
        // A shape whose element count overflows.
        var huge = Data("LDBC".utf8) + Data([1, 0, 0, 0, 3, 0, 0, 0])
        for _ in 0..<3 { huge += Data([0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(CacheEntry(data: huge) == nil)
    }
}
