/// Element-wise sum of two tensors of the same shape.
public func add(_ a: Variable, _ b: Variable) throws -> Variable {
    try requireSameShape(a, b, "add")
    return Variable.result(try a.value.zipMap(b.value, +), parents: [a, b]) { dy in [dy, dy] }
}
