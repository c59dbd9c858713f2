/// out[c, h*r + i, w*r + j] = in[c*r*r + i*r + j, h, w] (PyTorch's PixelShuffle).
public func pixelShuffle(_ x: Variable, factor r: Int) throws -> Variable {
    try requireNCHW(x, "pixelShuffle input")
    let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    guard r >= 1 else { throw AclaError.invalidArgument("pixelShuffle factor must be at least 1, got \(r)") }
    // r*r, h*r and w*r are checked: a huge factor must be an error, not an overflow trap.
    let rr = try checkedProduct(r, r, "pixelShuffle factor squared")
    guard cin % rr == 0 else {
        throw AclaError.shape("pixelShuffle(\(r)) needs channels divisible by \(rr), got \(cin)")
    }
    let c = cin / rr
    let (oh, ow) = try (checkedProduct(h, r, "pixelShuffle output height"), checkedProduct(w, r, "pixelShuffle output width"))
    var out = try Tensor(checkedZeros: [n, c, oh, ow], what: "pixelShuffle output")
    // index map from output position to input position, used both ways
    func inputIndex(_ b: Int, _ ch: Int, _ oy: Int, _ ox: Int) -> Int {
        let (y, i, xx, j) = (oy / r, oy % r, ox / r, ox % r)
        return ((b * cin + ch * r * r + i * r + j) * h + y) * w + xx
    }
    out.data.withUnsafeMutableBufferPointer { op in
        x.value.data.withUnsafeBufferPointer { ip in
            var o = 0
            for b in 0..<n { for ch in 0..<c { for oy in 0..<oh { for ox in 0..<ow {
                op[o] = ip[inputIndex(b, ch, oy, ox)]; o += 1
            } } } }
        }
    }
    return Variable.result(out, parents: [x]) { dy in
        var dx = try Tensor(checkedZeros: x.shape)
        dx.data.withUnsafeMutableBufferPointer { dp in
            dy.data.withUnsafeBufferPointer { gp in
                var o = 0
                for b in 0..<n { for ch in 0..<c { for oy in 0..<oh { for ox in 0..<ow {
                    dp[inputIndex(b, ch, oy, ox)] = gp[o]; o += 1
                } } } }
            }
        }
        return [dx]
    }
}
