public func relu(_ x: Variable) throws -> Variable {
    let y = try x.value.map { $0 > 0 ? $0 : 0 }
    return Variable.result(y, parents: [x]) { dy in
        [try dy.zipMap(x.value) { g, v in v > 0 ? g : 0 }]
    }
}
