import Foundation
import Testing
@testable import LDBDocument

@Suite struct ModelFingerprintTests {
    /// A safetensors file: 8-byte little-endian header length, JSON header, then `weights`.
    private func safetensors(header: String, weights: [UInt8]) -> Data {
        let json = Data(header.utf8)
        var bytes = Data((0..<8).map { UInt8(truncatingIfNeeded: UInt64(json.count) >> (8 * $0)) })
        bytes.append(json)
        bytes.append(contentsOf: weights)
        return bytes
    }

    private func makeModel(in scratch: Scratch, weights: [UInt8] = [1, 2, 3, 4]) throws -> URL {
        let model = scratch.folder.appendingPathComponent("model")
        let unet = model.appendingPathComponent("unet")
        try FileManager.default.createDirectory(at: unet, withIntermediateDirectories: true)
        try Data(#"{"in_channels": 4}"#.utf8).write(to: unet.appendingPathComponent("config.json"))
        let header = #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        try safetensors(header: header, weights: weights)
            .write(to: unet.appendingPathComponent("diffusion_pytorch_model.safetensors"))
        try Data("hello world".utf8).write(to: model.appendingPathComponent("vocab.txt"))
        try Data([9, 9, 9]).write(to: model.appendingPathComponent("weights.bin"))
        return model
    }

    @Test func fingerprintIsStableAndHex() throws {
        let scratch = try Scratch()
        let model = try makeModel(in: scratch)
        let first = try ModelReference.fingerprint(of: model)
        #expect(first.count == 64 && isSHA256Hex(first))
        #expect(try ModelReference.fingerprint(of: model) == first)
        // Hidden files do not count.
        try Data("x".utf8).write(to: model.appendingPathComponent(".DS_Store"))
        #expect(try ModelReference.fingerprint(of: model) == first)
    }

    @Test func fingerprintSeesWeightsHeadersConfigsNamesAndSizes() throws {
        let scratch = try Scratch()
        let model = try makeModel(in: scratch)
        let original = try ModelReference.fingerprint(of: model)
        let unet = model.appendingPathComponent("unet")
        let tensors = unet.appendingPathComponent("diffusion_pytorch_model.safetensors")
        let header = #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#

        // Same size and header, one weight byte different.
        try safetensors(header: header, weights: [1, 2, 3, 5]).write(to: tensors)
        #expect(try ModelReference.fingerprint(of: model) != original)

        // Different header.
        try safetensors(header: header.replacingOccurrences(of: "F32", with: "I32"), weights: [1, 2, 3, 4]).write(to: tensors)
        #expect(try ModelReference.fingerprint(of: model) != original)
        try safetensors(header: header, weights: [1, 2, 3, 4]).write(to: tensors)
        #expect(try ModelReference.fingerprint(of: model) == original)

        // Config contents.
        try Data(#"{"in_channels": 8}"#.utf8).write(to: unet.appendingPathComponent("config.json"))
        #expect(try ModelReference.fingerprint(of: model) != original)
        try Data(#"{"in_channels": 4}"#.utf8).write(to: unet.appendingPathComponent("config.json"))

        // Size and contents of any other file.
        try Data([9, 9, 9, 9]).write(to: model.appendingPathComponent("weights.bin"))
        #expect(try ModelReference.fingerprint(of: model) != original)
        try Data([9, 9, 9]).write(to: model.appendingPathComponent("weights.bin"))
        #expect(try ModelReference.fingerprint(of: model) == original)

        // File names.
        try FileManager.default.moveItem(at: model.appendingPathComponent("weights.bin"),
                                         to: model.appendingPathComponent("weights2.bin"))
        #expect(try ModelReference.fingerprint(of: model) != original)
    }

    @Test func singleFileModelsAreFingerprinted() throws {
        let scratch = try Scratch()
        let file = scratch.url("model.safetensors")
        try safetensors(header: "{}", weights: [0, 0]).write(to: file)
        let fingerprint = try ModelReference.fingerprint(of: file)
        try safetensors(header: #"{"a":1}"#, weights: [0, 0]).write(to: file)
        #expect(try ModelReference.fingerprint(of: file) != fingerprint)
    }

    /// A weights file above `smallFileSize` goes through the cache: a flipped byte is seen even when the file
    /// keeps its size and modification time, and a corrupt cache file is only a cache miss.
    @Test func largeFilesAreHashedThroughTheCache() throws {
        let scratch = try Scratch()
        let cache = ContentHashCache(file: scratch.url("cache/content-hashes.json"))
        let file = scratch.url("big.safetensors")
        var weights = [UInt8](repeating: 7, count: Int(ModelReference.smallFileSize) + 1000)
        try safetensors(header: "{}", weights: weights).write(to: file)
        let original = try ModelReference.fingerprint(of: file, cache: cache)
        let cached = try String(contentsOf: cache.file, encoding: .utf8)
        #expect(cached.contains(file.lastPathComponent))
        #expect(try ModelReference.fingerprint(of: file, cache: cache) == original)

        let modified = try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as! Date
        weights[500_000] = 8
        try safetensors(header: "{}", weights: weights).write(to: file)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: file.path)
        let flipped = try ModelReference.fingerprint(of: file, cache: cache)
        #expect(flipped != original)

        try Data("{not json".utf8).write(to: cache.file)
        #expect(try ModelReference.fingerprint(of: file, cache: cache) == flipped)
        // Without any cache the answer is the same.
        let elsewhere = ContentHashCache(file: scratch.url("other/content-hashes.json"))
        #expect(try ModelReference.fingerprint(of: file, cache: elsewhere) == flipped)
    }

    @Test func hubBlobNamesAreTheirHashes() throws {
        let scratch = try Scratch()
        let sha = String(repeating: "c", count: 64)
        let blobs = scratch.url("hub/blobs")
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        #expect(ModelReference.hubBlobHash(blobs.appendingPathComponent(sha)) == sha)
        #expect(ModelReference.hubBlobHash(scratch.url(sha)) == nil)
        #expect(ModelReference.hubBlobHash(blobs.appendingPathComponent("model.safetensors")) == nil)
    }

    @Test func missingPathAndBadHeaderAreClearErrors() throws {
        let scratch = try Scratch()
        let missing = scratch.url("nowhere")
        #expect(throws: DocumentError.fileNotFound(missing.path)) { try ModelReference.fingerprint(of: missing) }
        let broken = scratch.url("broken.safetensors")
        try Data([0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 1, 2]).write(to: broken)
        let error = #expect(throws: DocumentError.self) { try ModelReference.fingerprint(of: broken) }
        guard case .corrupt(let path, _) = error else {
            Issue.record("expected corrupt, got \(String(describing: error))")
            return
        }
        #expect(path == broken.path)
    }
}
