/// Element-wise product of two tensors of the same shape.
public func multiply(_ a: Variable, _ b: Variable) throws -> Variable {
    try requireSameShape(a, b, "multiply")
    return Variable.result(try a.value.zipMap(b.value, *), parents: [a, b]) { dy in
        [try dy.zipMap(b.value, *), try dy.zipMap(a.value, *)]
    }
}
