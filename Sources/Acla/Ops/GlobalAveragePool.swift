import AclaKernels

/// Mean over H and W: [N, C, H, W] -> [N, C, 1, 1].
public func globalAveragePool(_ x: Variable) throws -> Variable {
    try requireNCHW(x, "globalAveragePool input")
    let (n, c, hw) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
    guard hw > 0 else { throw AclaError.shape("globalAveragePool needs a non-empty map, got \(x.shape)") }
    var y = try Tensor(uninitialized: [n, c, 1, 1], what: "globalAveragePool output")
    y.data.withUnsafeMutableBufferPointer { yp in
        x.value.data.withUnsafeBufferPointer { xp in
            ak_global_average_pool(xp.baseAddress, yp.baseAddress, n * c, hw, Threads.count)
        }
    }
    return Variable.result(y, parents: [x]) { dy in
        var dx = try Tensor(uninitialized: x.shape, what: "globalAveragePool gradient")
        dx.data.withUnsafeMutableBufferPointer { dxp in
            for p in 0..<(n * c) {
                let g = dy.data[p] / Float(hw)
                for i in (p * hw)..<((p + 1) * hw) { dxp[i] = g }
            }
        }
        return [dx]
    }
}
