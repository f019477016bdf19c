#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only into memory, so that a multi-gigabyte checkpoint costs only the pages
/// actually touched. Unmapped when the last reference goes away.
final class SafeTensorsMappedFile: @unchecked Sendable {
    // Immutable after init and never written through, so sharing across threads is safe.
    let bytes: UnsafeRawBufferPointer

    init(path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw SafeTensorsError.unreadable(file: path, reason: Self.systemError())
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw SafeTensorsError.unreadable(file: path, reason: Self.systemError())
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw SafeTensorsError.unreadable(file: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0),
              address != MAP_FAILED else {
            throw SafeTensorsError.unreadable(file: path, reason: Self.systemError())
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    /// Lets the pages wholly inside `range` leave this process's resident memory; they are read from the file
    /// again if touched. A tensor's bytes are copied out once while a model loads, so keeping them resident
    /// would hold every weight twice: once converted, once mapped.
    func evict(_ range: Range<Int>) {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + pageSize - 1) / pageSize * pageSize
        let end = range.upperBound / pageSize * pageSize
        guard end > start, let base = bytes.baseAddress else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    deinit {
        if let address = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: address), bytes.count)
        }
    }

    private static func systemError() -> String {
        String(cString: strerror(errno))
    }
}
