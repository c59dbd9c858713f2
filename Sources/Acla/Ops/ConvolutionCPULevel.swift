import AclaKernels

/// The instruction-set level the kernels run at (AclaKernels/cpu_dispatch.c): detected once,
/// lowered by `ACLA_CPU=portable|avx2|avx512`, never above what the CPU supports.
public enum CPULevel: Int32, CaseIterable, Comparable, Sendable {
    case portable = 0, avx2 = 1, avx512 = 2

    public static var detected: CPULevel { CPULevel(rawValue: ak_cpu_detected_level()) ?? .portable }
    public static var current: CPULevel { CPULevel(rawValue: ak_cpu_level()) ?? .portable }
    public var name: String { String(cString: ak_cpu_level_name(rawValue)) }

    public static func < (a: CPULevel, b: CPULevel) -> Bool { a.rawValue < b.rawValue }

    /// Runs `body` with every kernel forced to `level` (process-wide; tests and benchmarks), then
    /// restores the previous level. Nil, without running `body`, when the CPU lacks the level.
    public static func with<R>(_ level: CPULevel, _ body: () throws -> R) rethrows -> R? {
        let previous = ak_cpu_level()
        guard ak_cpu_set_level(level.rawValue) >= 0 else { return nil }
        defer { _ = ak_cpu_set_level(previous) }
        return try body()
    }
}
