import Glibc
import Synchronization

/// The most memory one call may plan to use: forwards, restores and training steps estimate their
/// working set before the first allocation (`WorkingSet`) and refuse larger requests with
/// `AclaError.outOfMemory` naming the estimate and the limit, instead of failing at whichever
/// allocation does not fit after the smaller ones succeeded (or, with overcommit, being killed
/// later). The limit is the configured one (`set`; by default the machine's physical memory) and,
/// under an address-space limit (RLIMIT_AS, `ulimit -v`), the address space the process has left.
/// Process-wide; the estimate is per call, so concurrent calls may add up beyond it.
public enum MemoryLimit {
    private static let configured = Atomic<Int>(0)   // 0: the default

    /// Physical memory (sysconf); 1 << 62 when the system does not say.
    public static var defaultBytes: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return 1 << 62 }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
        return overflow ? Int.max : bytes
    }

    /// The configured limit, or the default.
    public static var bytes: Int {
        let v = configured.load(ordering: .relaxed)
        return v > 0 ? v : defaultBytes
    }

    /// `bytes` >= 1 sets the limit; 0 restores the default.
    public static func set(_ bytes: Int) throws {
        guard bytes >= 0 else { throw AclaError.invalidArgument("memory limit must be >= 0 bytes (0 = physical memory), got \(bytes)") }
        configured.store(bytes, ordering: .relaxed)
    }

    /// Address space left under RLIMIT_AS (its soft limit minus the process's VmSize), nil when
    /// there is no such limit.
    public static func addressSpaceLeft() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        let cap = limit.rlim_cur > UInt64(Int.max) ? Int.max : Int(limit.rlim_cur)
        guard let used = virtualSize() else { return nil }
        return max(cap - used, 0)
    }

    /// Throws when `estimate` bytes exceed the limit or the address space left; `what` names the call.
    public static func check(_ estimate: Int, _ what: String) throws {
        let limit = bytes
        guard estimate <= limit else {
            throw AclaError.outOfMemory("\(what) needs an estimated \(describe(estimate)) of working memory, over the memory limit of \(describe(limit)) (acla_set_memory_limit; the default is the physical memory): use a smaller input or tiles, or raise the limit")
        }
        if let left = addressSpaceLeft(), estimate > left {
            throw AclaError.outOfMemory("\(what) needs an estimated \(describe(estimate)) of working memory, over the \(describe(left)) of address space the process has left under its limit (RLIMIT_AS, ulimit -v): use a smaller input or tiles")
        }
    }

    /// "3072000032 bytes (2.86 GiB)", "52428800 bytes (50 MiB)".
    static func describe(_ bytes: Int) -> String {
        let mib = Double(bytes) / Double(1 << 20)
        guard mib >= 1024 else { return "\(bytes) bytes (\(Int(mib.rounded())) MiB)" }
        let hundredths = Int((mib / 1024 * 100).rounded())
        return "\(bytes) bytes (\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) GiB)"
    }

    /// VmSize in bytes, from /proc/self/statm (its first field, in pages).
    static func virtualSize() -> Int? {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 63) }
        guard n > 0 else { return nil }
        var pages = 0
        for byte in buffer.prefix(n) {
            guard byte >= 48, byte <= 57 else { break }
            let (a, o1) = pages.multipliedReportingOverflow(by: 10)
            let (b, o2) = a.addingReportingOverflow(Int(byte - 48))
            guard !o1, !o2 else { return nil }
            pages = b
        }
        let size = sysconf(Int32(_SC_PAGESIZE))
        guard size > 0 else { return nil }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
        return overflow ? nil : bytes
    }
}
