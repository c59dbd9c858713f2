/// Mean over H and W: [N, C, H, W] -> [N, C, 1, 1].
public func globalAveragePool(_ x: Variable) throws -> Variable {
    try requireNCHW(x, "globalAveragePool input")
    let (n, c, hw) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
    guard hw > 0 else { throw AclaError.shape("globalAveragePool needs a non-empty map, got \(x.shape)") }
    var y = try Tensor(checkedZeros: [n, c, 1, 1])
    x.value.data.withUnsafeBufferPointer { xp in
        for p in 0..<(n * c) {
            var acc = 0.0
            for i in (p * hw)..<((p + 1) * hw) { acc += Double(xp[i]) }
            y.data[p] = Float(acc / Double(hw))
        }
    }
    return Variable.result(y, parents: [x]) { dy in
        var dx = try Tensor(checkedZeros: x.shape)
        dx.data.withUnsafeMutableBufferPointer { dxp in
            for p in 0..<(n * c) {
                let g = dy.data[p] / Float(hw)
                for i in (p * hw)..<((p + 1) * hw) { dxp[i] = g }
            }
        }
        return [dx]
    }
}
