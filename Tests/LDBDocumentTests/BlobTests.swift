import Crypto
import Foundation
import GRDB
import Testing
@testable import LDBDocument

@Suite struct BlobTests {
    @Test func hashIsSHA256OfTheUncompressedBytes() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch)
        // Published test vector: SHA-256("abc").
        #expect(try project.putBlob(Data("abc".utf8))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try project.putBlob(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(try project.blob("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == Data())
    }

    @Test func identicalBytesAreStoredOnce() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch)
        let mask = testMask()
        let first = try project.putBlob(mask)
        let second = try project.putBlob(mask)
        #expect(first == second)
        let count = try project.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blob WHERE sha256 = ?", arguments: [first])
        }
        #expect(count == 1)
        #expect(try project.blob(first) == mask)
    }

    @Test func compressibleBytesAreStoredCompressed() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch)
        let mask = testMask(width: 512, height: 512, x: 100, y: 100, size: 200)
        let sha256 = try project.putBlob(mask)
        let (stored, compression) = try project.database.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT length(data) AS stored, compression FROM blob WHERE sha256 = ?",
                                       arguments: [sha256])
            return (row?["stored"] as Int? ?? 0, row?["compression"] as String? ?? "")
        }
        #expect(compression == "zlib")
        #expect(stored < mask.count / 100)
        #expect(try project.blob(sha256) == mask)
    }

    @Test func incompressibleBytesAreStoredAsTheyAre() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch)
        var generator = SystemRandomNumberGenerator()
        let noise = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let sha256 = try project.putBlob(noise)
        #expect(try project.blob(sha256) == noise)
        let compression = try project.database.read { db in
            try String.fetchOne(db, sql: "SELECT compression FROM blob WHERE sha256 = ?", arguments: [sha256])
        }
        #expect(compression == "none")
    }

    @Test func tamperedBlobFailsTheHashCheck() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch)
        let original = testMask()
        let sha256 = try project.putBlob(original)
        var other = original
        other[0] = 255 - other[0]
        let (compression, payload) = BlobCodec.encode(other)
        try project.database.write { db in
            try db.execute(sql: "UPDATE blob SET data = ?, compression = ? WHERE sha256 = ?",
                           arguments: [payload, compression.rawValue, sha256])
        }
        #expect(throws: DocumentError.corrupt(scratch.url().path, "blob \(sha256) does not match its hash")) {
            try project.blob(sha256)
        }
        try project.database.write { db in
            try db.execute(sql: "UPDATE blob SET data = x'00010203', compression = 'zlib' WHERE sha256 = ?",
                           arguments: [sha256])
        }
        #expect(throws: DocumentError.corrupt(scratch.url().path, "blob \(sha256) cannot be decompressed")) {
            try project.blob(sha256)
        }
    }

    @Test func unknownBlobIsNotFound() throws {
        let scratch = try Scratch()
        let project = try makeProject(in: scratch)
        let sha256 = String(repeating: "0", count: 64)
        #expect(throws: DocumentError.blobNotFound(sha256)) { try project.blob(sha256) }
    }

    @Test func zlibPayloadIsStandardZlib() throws {
        // The stored form must be readable by any zlib: check the header bytes of RFC 1950.
        let (compression, payload) = BlobCodec.encode(Data(repeating: 7, count: 1000))
        #expect(compression == .zlib)
        #expect(payload.first == 0x78)
        #expect((UInt16(payload[0]) << 8 | UInt16(payload[1])) % 31 == 0)
    }
}
