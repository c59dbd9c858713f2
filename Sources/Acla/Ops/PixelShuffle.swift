import AclaKernels

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
    var out = try Tensor(uninitialized: [n, c, oh, ow], what: "pixelShuffle output")
    guard let n32 = Int32(exactly: n), let c32 = Int32(exactly: c), let h32 = Int32(exactly: h),
          let w32 = Int32(exactly: w), let r32 = Int32(exactly: r) else {
        throw AclaError.invalidArgument("pixelShuffle of \(x.shape) by \(r): a size exceeds the kernel's 32-bit range")
    }
    let dims = (n32, c32, h32, w32, r32)
    let threads = Threads.count
    out.data.withUnsafeMutableBufferPointer { op in
        x.value.data.withUnsafeBufferPointer { ip in
            ak_pixel_shuffle(ip.baseAddress, op.baseAddress, dims.0, dims.1, dims.2, dims.3, dims.4, threads)
        }
    }
    return Variable.result(out, parents: [x]) { dy in
        var dx = try Tensor(uninitialized: x.shape, what: "pixelShuffle gradient")
        dx.data.withUnsafeMutableBufferPointer { dp in
            dy.data.withUnsafeBufferPointer { gp in
                ak_pixel_shuffle_backward(gp.baseAddress, dp.baseAddress, dims.0, dims.1, dims.2, dims.3, dims.4, threads)
            }
        }
        return [dx]
    }
}
