import Foundation

/// The fields of an SQLite file header (https://www.sqlite.org/fileformat.html#the_database_header)
/// that decide whether ldb may open a file, read without SQLite so that a refused file is never touched.
struct FileHeader {
    static let magic = Data("SQLite format 3\u{0}".utf8)
    static let length = 100

    var pageSize: Int
    /// The "in-header database size" in pages, when the header vouches for it.
    var pageCount: Int?
    var userVersion: Int32
    var applicationID: Int32

    /// Reads and checks the header of the file at `url`.
    /// - Throws: `.fileNotFound`, `.isFolder`, `.notSQLite`, or `.corrupt` when the file is shorter than
    ///   its header.
    static func read(at url: URL) throws -> FileHeader {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DocumentError.fileNotFound(path)
        }
        guard !isDirectory.boolValue else { throw DocumentError.isFolder(path) }
        let bytes: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            bytes = try handle.read(upToCount: length) ?? Data()
        } catch {
            throw DocumentError.storage(path, "cannot read file: \(error.localizedDescription)")
        }
        guard bytes.count >= magic.count, bytes.prefix(magic.count) == magic else {
            throw DocumentError.notSQLite(path)
        }
        guard bytes.count == length else {
            throw DocumentError.corrupt(path, "file is truncated (\(bytes.count) bytes, shorter than its header)")
        }
        let header = [UInt8](bytes)
        func bigEndian(_ offset: Int, _ count: Int) -> UInt32 {
            header[offset..<offset + count].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }
        // A stored page size of 1 means 65536.
        let storedPageSize = Int(bigEndian(16, 2))
        let pageSize = storedPageSize == 1 ? 65536 : storedPageSize
        guard pageSize >= 512, pageSize & (pageSize - 1) == 0 else {
            throw DocumentError.corrupt(path, "invalid page size \(storedPageSize) in the file header")
        }
        // The page count is trustworthy only when "version-valid-for" matches the change counter.
        let pageCount = bigEndian(92, 4) == bigEndian(24, 4) ? Int(bigEndian(28, 4)) : nil
        return FileHeader(
            pageSize: pageSize,
            pageCount: pageCount,
            userVersion: Int32(bitPattern: bigEndian(60, 4)),
            applicationID: Int32(bitPattern: bigEndian(68, 4)))
    }
}
