public func relu(_ x: Variable) -> Variable {
    let y = x.value.map { $0 > 0 ? $0 : 0 }
    return Variable.result(y, parents: [x]) { dy in
        [dy.zipMap(x.value) { g, v in v > 0 ? g : 0 }]
    }
}
