/// Multiplication by a constant scalar (EDSR's res_scale).
public func scale(_ x: Variable, by s: Float) -> Variable {
    Variable.result(x.value.map { $0 * s }, parents: [x]) { dy in [dy.map { $0 * s }] }
}
