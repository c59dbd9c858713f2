/// Sizes handed to the C kernels and OpenBLAS, whose dimensions are C `int`: a size that does not
/// fit is an error here instead of a trapping `Int32(_:)` conversion or a wrapped BLAS argument.
func kernelInt32(_ value: Int, _ what: String) throws -> Int32 {
    guard let v = Int32(exactly: value) else {
        throw AclaError.outOfMemory("\(what) \(value) is over the kernels' limit of \(Int32.max)")
    }
    return v
}

/// `a * b` for sizes derived from shapes; overflow is an error naming the quantity.
func checkedProduct(_ a: Int, _ b: Int, _ what: String) throws -> Int {
    let (p, overflow) = a.multipliedReportingOverflow(by: b)
    guard !overflow else { throw AclaError.outOfMemory("\(what) (\(a) x \(b)) is too large") }
    return p
}
