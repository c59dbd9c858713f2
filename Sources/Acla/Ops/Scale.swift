/// Multiplication by a constant scalar (EDSR's res_scale).
public func scale(_ x: Variable, by s: Float) throws -> Variable {
    Variable.result(try x.value.map { $0 * s }, parents: [x]) { dy in [try dy.map { $0 * s }] }
}
