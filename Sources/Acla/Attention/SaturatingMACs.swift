/// Saturating multiply-accumulate counts: map sizes come from callers, so a count can never trap.
enum SaturatingMACs {
    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (s, o) = a.addingReportingOverflow(b)
        return o ? .max : s
    }

    static func product(_ factors: Int...) -> UInt64 {
        var p: UInt64 = 1
        for f in factors {
            guard f > 0 else { return 0 }
            let (m, o) = p.multipliedReportingOverflow(by: UInt64(f))
            if o { return .max }
            p = m
        }
        return p
    }

    static func times(_ a: UInt64, _ b: Int) -> UInt64 {
        guard b > 0 else { return 0 }
        let (m, o) = a.multipliedReportingOverflow(by: UInt64(b))
        return o ? .max : m
    }

    static func sum(_ terms: UInt64...) -> UInt64 { terms.reduce(0, add) }
}
