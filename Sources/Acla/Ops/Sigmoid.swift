import Foundation

public func sigmoid(_ x: Variable) -> Variable {
    let y = x.value.map { 1 / (1 + Foundation.exp(-$0)) }
    return Variable.result(y, parents: [x]) { dy in
        [dy.zipMap(y) { g, s in g * s * (1 - s) }]
    }
}
