/// x[n, c, :, :] * s[n, c]: s has shape [N, C, 1, 1] (RCAN's channel attention, SE).
public func channelScale(_ x: Variable, _ s: Variable) throws -> Variable {
    try requireNCHW(x, "channelScale input")
    let (n, c, hw) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
    guard s.shape == [n, c, 1, 1] else {
        throw AclaError.shape("channelScale scale must have shape [\(n), \(c), 1, 1], got \(s.shape)")
    }
    // A new output written in one pass (scaling a copy of x in place cost a copy first).
    var y = try Tensor(uninitialized: x.shape, what: "channelScale output")
    y.data.withUnsafeMutableBufferPointer { yp in
        x.value.data.withUnsafeBufferPointer { xp in
            s.value.data.withUnsafeBufferPointer { sp in
                for p in 0..<(n * c) {
                    let f = sp[p]
                    for i in (p * hw)..<((p + 1) * hw) { yp[i] = xp[i] * f }
                }
            }
        }
    }
    return Variable.result(y, parents: [x, s]) { dy in
        var dx = dy
        var ds = try Tensor(checkedZeros: s.shape)
        dx.data.withUnsafeMutableBufferPointer { dxp in
            x.value.data.withUnsafeBufferPointer { xp in
                for p in 0..<(n * c) {
                    let f = s.value.data[p]
                    var acc = 0.0
                    for i in (p * hw)..<((p + 1) * hw) {
                        acc += Double(dxp[i] * xp[i])
                        dxp[i] *= f
                    }
                    ds.data[p] = Float(acc)
                }
            }
        }
        return [dx, ds]
    }
}
