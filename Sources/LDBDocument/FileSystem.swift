#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The few POSIX calls that Foundation does not offer with the needed guarantees.
enum FileSystem {
    enum LinkResult: Equatable {
        case linked
        case destinationExists
        case failed(String)
    }

    /// Gives `source` the additional name `destination`, atomically failing when `destination` exists.
    static func linkWithoutReplacing(_ source: URL, _ destination: URL) -> LinkResult {
        if link(source.path, destination.path) == 0 { return .linked }
        let code = errno
        return code == EEXIST ? .destinationExists : .failed(String(cString: strerror(code)))
    }

    /// Flushes the folder holding `url`, so that a newly created name survives a power loss.
    static func synchronizeFolder(of url: URL) {
        let descriptor = open(url.deletingLastPathComponent().path, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
