import Foundation

/// How much more memory this process may allocate, by each limit the system puts on it: the address-space and
/// data rlimits (`ulimit -v`, `ulimit -d`), the cgroup v2 limits of its control group and its ancestors, and the
/// memory the kernel reports available (with free swap).
///
/// A Swift program cannot recover from an allocation that fails, so the engine compares a render's estimated
/// need (`ActivationMemory`) with the tightest of these before it computes anything (docs/algorithm.md, "Memory").
public struct MemoryHeadroom: Equatable, Sendable {
    /// One limit: what it allows and what the process (or its group) uses of it now.
    public struct Limit: Equatable, Sendable, CustomStringConvertible {
        /// What sets the limit, as a user would look it up (`RLIMIT_AS (ulimit -v)`).
        public let name: String
        public let bytes: Int
        public let usedBytes: Int
        /// Whether reserved address space counts, not only memory in use (`RLIMIT_AS`).
        public let countsAddressSpace: Bool

        public init(name: String, bytes: Int, usedBytes: Int, countsAddressSpace: Bool = false) {
            (self.name, self.bytes, self.usedBytes) = (name, bytes, usedBytes)
            self.countsAddressSpace = countsAddressSpace
        }

        /// What remains: the limit minus what is used, at least 0.
        public var availableBytes: Int { max(0, bytes - usedBytes) }

        public var description: String {
            usedBytes == 0
                ? "\(MemoryHeadroom.format(bytes)) (\(name))"
                : "\(MemoryHeadroom.format(availableBytes)) left of the \(MemoryHeadroom.format(bytes)) of \(name), "
                    + "\(MemoryHeadroom.format(usedBytes)) in use"
        }
    }

    /// Every limit found; none when nothing could be read.
    public let limits: [Limit]

    public init(limits: [Limit]) {
        self.limits = limits
    }

    /// The limit that leaves the least, if any.
    public var tightest: Limit? { limits.min { $0.availableBytes < $1.availableBytes } }

    /// Throws `EngineError.notEnoughMemory` when `bytes` more, the estimated need of rendering a `width` x
    /// `height` picture, exceed what a limit leaves; `reservedBytes` more count against address-space limits.
    public func requireRoom(for bytes: Int, reserving reservedBytes: Int = 0, width: Int, height: Int) throws(EngineError) {
        for limit in limits.sorted(by: { $0.availableBytes < $1.availableBytes }) {
            let need = bytes + (limit.countsAddressSpace ? reservedBytes : 0)
            guard need > limit.availableBytes else { continue }
            throw .notEnoughMemory(width: width, height: height, estimate: Self.format(need), limit: limit.description)
        }
    }

    /// The limits on this process now (Linux; elsewhere only what `getrlimit` says).
    public static func current() -> MemoryHeadroom {
        let status = keyedKilobytes(at: "/proc/self/status")
        var limits: [Limit] = []
        for (resource, name, usage) in [(addressSpace, "RLIMIT_AS (ulimit -v)", "VmSize"),
                                         (dataSegment, "RLIMIT_DATA (ulimit -d)", "VmData")] {
            let isAddressSpace = resource == addressSpace
            var limit = rlimit()
            guard getrlimit(resource, &limit) == 0, limit.rlim_cur != rlim_t.max,
                  limit.rlim_cur < rlim_t(Int.max)
            else { continue }
            limits.append(Limit(name: name, bytes: Int(limit.rlim_cur), usedBytes: status[usage] ?? 0,
                                countsAddressSpace: isAddressSpace))
        }
        limits += controlGroupLimits()
        let memory = keyedKilobytes(at: "/proc/meminfo")
        if let available = memory["MemAvailable"] {
            limits.append(Limit(name: "MemAvailable and free swap in /proc/meminfo",
                                bytes: available + (memory["SwapFree"] ?? 0), usedBytes: 0))
        }
        return MemoryHeadroom(limits: limits)
    }

    /// `memory.max` and `memory.current` of this process's cgroup v2 group and each group above it.
    private static func controlGroupLimits() -> [Limit] {
        guard let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
              let line = membership.split(separator: "\n").first(where: { $0.hasPrefix("0::") })
        else { return [] }
        var group = String(line.dropFirst(3))
        var limits: [Limit] = []
        while true {
            let folder = "/sys/fs/cgroup" + (group == "/" ? "" : group)
            if let maximum = number(in: folder + "/memory.max"), let current = number(in: folder + "/memory.current") {
                limits.append(Limit(name: "the cgroup limit \(folder)/memory.max", bytes: maximum, usedBytes: current))
            }
            guard group != "/", !group.isEmpty else { break }
            group = (group as NSString).deletingLastPathComponent
        }
        return limits
    }

    /// The integer in a one-line file; nil when it is missing or says `max`.
    private static func number(in path: String) -> Int? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// `Key:   123 kB` lines of a /proc file, in bytes.
    private static func keyedKilobytes(at path: String) -> [String: Int] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var values: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
            guard parts.count == 3, parts[2] == "kB", let kilobytes = Int(parts[1]) else { continue }
            values[String(parts[0])] = kilobytes * 1024
        }
        return values
    }

    /// Bytes in GB (10^9) with two decimals, or MB below one GB.
    static func format(_ bytes: Int) -> String {
        bytes >= 1_000_000_000
            ? String(format: "%.2f GB", Double(bytes) / 1e9)
            : String(format: "%.0f MB", Double(bytes) / 1e6)
    }
}

#if canImport(Glibc)
private let (addressSpace, dataSegment) = (__rlimit_resource_t(RLIMIT_AS.rawValue), __rlimit_resource_t(RLIMIT_DATA.rawValue))
#else
private let (addressSpace, dataSegment) = (RLIMIT_AS, RLIMIT_DATA)
#endif
