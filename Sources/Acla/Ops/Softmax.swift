import Glibc

/// Softmax along the channel axis of an NCHW tensor, independently at every pixel.
public func softmaxChannels(_ x: Variable) throws -> Variable {
    try requireNCHW(x, "softmaxChannels input")
    let (n, c, hw) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
    var y = x.value
    y.data.withUnsafeMutableBufferPointer { p in
        for b in 0..<n {
            let base = b * c * hw
            for i in 0..<hw {
                var m = -Float.infinity
                for ch in 0..<c { m = max(m, p[base + ch * hw + i]) }
                var s: Float = 0
                for ch in 0..<c {
                    let e = Glibc.exp(p[base + ch * hw + i] - m)
                    p[base + ch * hw + i] = e
                    s += e
                }
                for ch in 0..<c { p[base + ch * hw + i] /= s }
            }
        }
    }
    return Variable.result(y, parents: [x]) { dy in
        var dx = dy
        dx.data.withUnsafeMutableBufferPointer { g in
            y.data.withUnsafeBufferPointer { s in
                for b in 0..<n {
                    let base = b * c * hw
                    for i in 0..<hw {
                        var dot: Float = 0
                        for ch in 0..<c { dot += g[base + ch * hw + i] * s[base + ch * hw + i] }
                        for ch in 0..<c {
                            let j = base + ch * hw + i
                            g[j] = s[j] * (g[j] - dot)
                        }
                    }
                }
            }
        }
        return [dx]
    }
}
