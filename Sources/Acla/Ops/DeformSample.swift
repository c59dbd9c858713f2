import AclaKernels

/// Bilinear sampling of `values` [N, C, H, W] at per-pixel fractional locations:
/// `offsets` [N, 2K, H, W] holds (dy, dx) for each of K keys relative to each pixel; the result
/// [N, K*C, H, W] has out[b, k*C + c, y, x] = S(values[b, c], y + dy_k, x + dx_k) with the
/// sampling rule of ATTENTION.md section 1. Gradients flow to both values and offsets.
public func deformSample(_ values: Variable, offsets: Variable) throws -> Variable {
    try requireNCHW(values, "deformSample values")
    try requireNCHW(offsets, "deformSample offsets")
    let (n, c, h, w) = (values.shape[0], values.shape[1], values.shape[2], values.shape[3])
    let o = offsets.shape
    guard o[0] == n, o[2] == h, o[3] == w, o[1] % 2 == 0, o[1] > 0 else {
        throw AclaError.shape("deformSample offsets must be [\(n), 2K, \(h), \(w)], got \(o)")
    }
    let k = o[1] / 2
    var out = try Tensor(checkedZeros: [n, checkedProduct(k, c, "deformSample output channels"), h, w],
                         what: "deformSample output")
    let (n32, c32, h32, w32, k32) = try (kernelInt32(n, "deformSample batch"), kernelInt32(c, "deformSample channels"),
                                         kernelInt32(h, "deformSample height"), kernelInt32(w, "deformSample width"),
                                         kernelInt32(k, "deformSample keys"))
    let threads = Threads.count
    out.data.withUnsafeMutableBufferPointer { op in
        values.value.data.withUnsafeBufferPointer { vp in
            offsets.value.data.withUnsafeBufferPointer { fp in
                ak_deform_sample_forward(vp.baseAddress, n32, c32, h32, w32,
                                         fp.baseAddress, k32, op.baseAddress, threads)
            }
        }
    }
    return Variable.result(out, parents: [values, offsets]) { dy in
        var dv: Tensor? = values.requiresGrad ? try Tensor(checkedZeros: values.shape) : nil
        var df: Tensor? = offsets.requiresGrad ? try Tensor(checkedZeros: offsets.shape) : nil
        withOptionalMutableBuffer(&dv) { dvp in
            withOptionalMutableBuffer(&df) { dfp in
                values.value.data.withUnsafeBufferPointer { vp in
                    offsets.value.data.withUnsafeBufferPointer { fp in
                        dy.data.withUnsafeBufferPointer { gp in
                            ak_deform_sample_backward(vp.baseAddress, n32, c32, h32, w32,
                                                      fp.baseAddress, k32, gp.baseAddress, dvp, dfp, threads)
                        }
                    }
                }
            }
        }
        return [dv, df]
    }
}
