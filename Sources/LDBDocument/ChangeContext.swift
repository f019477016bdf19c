import Foundation
import GRDB

/// Handed to the closure of `Project.commit`: reaches the blob store inside the commit's transaction, so a
/// blob stored here is kept only if the commit succeeds.
public struct ChangeContext {
    let db: Database
    let path: String
    /// The revision the change is made on (HEAD inside the transaction).
    public let head: Int64

    /// Refuses the change unless it is made on revision `expected`: an editor that showed an older HEAD must
    /// not overwrite what happened since.
    /// - Throws: `DocumentError.staleHead`.
    public func requireHead(_ expected: Int64) throws {
        guard head == expected else { throw DocumentError.staleHead(expected: expected, found: head) }
    }

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
