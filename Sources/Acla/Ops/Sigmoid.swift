import Glibc

public func sigmoid(_ x: Variable) throws -> Variable {
    let y = try x.value.map { 1 / (1 + Glibc.exp(-$0)) }
    return Variable.result(y, parents: [x]) { dy in
        [try dy.zipMap(y) { g, s in g * s * (1 - s) }]
    }
}
