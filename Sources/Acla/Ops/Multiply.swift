/// Element-wise product of two tensors of the same shape.
public func multiply(_ a: Variable, _ b: Variable) throws -> Variable {
    try requireSameShape(a, b, "multiply")
    return Variable.result(a.value.zipMap(b.value, *), parents: [a, b]) { dy in
        [dy.zipMap(b.value, *), dy.zipMap(a.value, *)]
    }
}
