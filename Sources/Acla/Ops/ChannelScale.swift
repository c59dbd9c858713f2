import AclaKernels

/// x[n, c, :, :] * s[n, c] (+ residual): s has shape [N, C, 1, 1] (RCAN's channel attention, SE).
/// With `residual` the scaled map and the skip sum are one pass (a residual channel-attention
/// block's tail), the same values as `add(channelScale(x, s), residual)`.
public func channelScale(_ x: Variable, _ s: Variable, adding residual: Variable? = nil) throws -> Variable {
    try requireNCHW(x, "channelScale input")
    let (n, c, hw) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
    guard s.shape == [n, c, 1, 1] else {
        throw AclaError.shape("channelScale scale must have shape [\(n), \(c), 1, 1], got \(s.shape)")
    }
    if let residual { try requireSameShape(x, residual, "channelScale residual") }
    var y = try Tensor(uninitialized: x.shape, what: "channelScale output")
    y.data.withUnsafeMutableBufferPointer { yp in
        x.value.data.withUnsafeBufferPointer { xp in
            s.value.data.withUnsafeBufferPointer { sp in
                withOptionalBuffer(residual?.value.data) { rp in
                    ak_channel_scale(xp.baseAddress, sp.baseAddress, rp, yp.baseAddress, n * c, hw, Threads.count)
                }
            }
        }
    }
    let parents = residual.map { [x, s, $0] } ?? [x, s]
    return Variable.result(y, parents: parents) { dy in
        var dx = try Tensor(uninitialized: x.shape, what: "channelScale gradient")
        var ds = try Tensor(uninitialized: s.shape, what: "channelScale scale gradient")
        dx.data.withUnsafeMutableBufferPointer { dxp in
            ds.data.withUnsafeMutableBufferPointer { dsp in
                dy.data.withUnsafeBufferPointer { gp in
                    x.value.data.withUnsafeBufferPointer { xp in
                        s.value.data.withUnsafeBufferPointer { sp in
                            ak_channel_scale_backward(gp.baseAddress, xp.baseAddress, sp.baseAddress, dxp.baseAddress,
                                                      dsp.baseAddress, n * c, hw, Threads.count)
                        }
                    }
                }
            }
        }
        return residual == nil ? [dx, ds] : [dx, ds, dy]
    }
}
