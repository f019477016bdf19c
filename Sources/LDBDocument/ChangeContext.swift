import Foundation
import GRDB

/// Handed to the closure of `Project.commit`: reaches the blob store inside the commit's transaction, so a
/// blob stored here is kept only if the commit succeeds.
public struct ChangeContext {
    let db: Database
    let path: String

    /// Stores `data` once under its SHA-256 (hex) and returns that hash.
    @discardableResult
    public func putBlob(_ data: Data) throws -> String {
        try BlobStore.put(data, db)
    }

    /// The bytes stored under `sha256`, checked against the hash.
    public func blob(_ sha256: String) throws -> Data {
        try BlobStore.get(sha256, db, path: path)
    }
}
