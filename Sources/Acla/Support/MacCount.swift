/// Multiply-accumulate arithmetic, the one cost counter of the library: parameter-free counts
/// (`acla_model_macs`), measured MACs of a pass and the search cost all add up here. Sizes come
/// from callers, so every product and sum is checked: overflow is an error, never a trap.
public enum MacCount {
    public static func product(_ factors: [Int]) throws -> UInt64 {
        var total: UInt64 = 1
        for f in factors {
            guard f >= 0 else { throw AclaError.invalidArgument("negative size \(f) in a MAC count") }
            let (p, o) = total.multipliedReportingOverflow(by: UInt64(f))
            guard !o else { throw AclaError.invalidArgument("MAC count overflows 64 bits (factors \(factors))") }
            total = p
        }
        return total
    }

    public static func product(_ factors: Int...) throws -> UInt64 { try product(factors) }

    public static func sum(_ a: UInt64, _ b: UInt64) throws -> UInt64 {
        let (s, o) = a.addingReportingOverflow(b)
        guard !o else { throw AclaError.invalidArgument("MAC count overflows 64 bits") }
        return s
    }

    public static func sum(_ terms: [UInt64]) throws -> UInt64 { try terms.reduce(0) { try sum($0, $1) } }

    public static func times(_ a: UInt64, _ b: Int) throws -> UInt64 { try product([Int(clamping: a), b]) }

    /// For totals that are only reported (a per-module record summed over modules).
    public static func saturatingSum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (s, o) = a.addingReportingOverflow(b)
        return o ? .max : s
    }
}
