import Foundation

/// A value guarded by a lock, for the little state the server's tasks and threads share (and `ldb serve`'s
/// thread with the server's task).
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    public init(_ value: Value) {
        self.value = value
    }

    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try lock.withLock { try body(&value) }
    }

    public var current: Value { withLock { $0 } }
}
