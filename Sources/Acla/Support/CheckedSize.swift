/// Overflow-checked element counts, so a hostile shape is an error instead of a trap.
public enum CheckedSize {
    /// Product of the dimensions; throws when a dimension is negative or the product overflows
    /// or exceeds `limit` elements.
    public static func product(_ dims: [Int], limit: Int = Int(Int32.max) * 8, what: String = "tensor") throws -> Int {
        var total = 1
        for d in dims {
            guard d >= 0 else { throw AclaError.shape("\(what) dimension \(d) in shape \(dims) is negative") }
            let (p, overflow) = total.multipliedReportingOverflow(by: d)
            guard !overflow, p <= limit else {
                throw AclaError.outOfMemory("\(what) of shape \(dims) is too large (over \(limit) elements)")
            }
            total = p
        }
        return total
    }
}
