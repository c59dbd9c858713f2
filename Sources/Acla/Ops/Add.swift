import AclaKernels

/// Element-wise sum of two tensors of the same shape (in parallel: ak_add).
public func add(_ a: Variable, _ b: Variable) throws -> Variable {
    try requireSameShape(a, b, "add")
    var y = try Tensor(uninitialized: a.shape, what: "add output")
    y.data.withUnsafeMutableBufferPointer { yp in
        a.value.data.withUnsafeBufferPointer { ap in
            b.value.data.withUnsafeBufferPointer { bp in ak_add(ap.baseAddress, bp.baseAddress, yp.baseAddress, ap.count, Threads.count) }
        }
    }
    return Variable.result(y, parents: [a, b]) { dy in [dy, dy] }
}
