import AclaKernels

/// 2-D convolution, stride 1, zero padding k/2 (odd square kernels), with optional bias.
/// weight [out, in, k, k]; the kernel behind it lives in AclaKernels/conv2d.c.
public func conv2d(_ x: Variable, weight: Variable, bias: Variable?) throws -> Variable {
    try conv2d(x, weight: weight, bias: bias, bandFloats: 0)
}

/// `bandFloats` bounds the kernel's im2col buffer (0: the kernel's default); tests make it small
/// so that the row banding runs on tiny maps.
func conv2d(_ x: Variable, weight: Variable, bias: Variable?, bandFloats: Int) throws -> Variable {
    try requireNCHW(x, "conv2d input")
    let ws = weight.shape
    guard ws.count == 4, ws[2] == ws[3], ws[2] % 2 == 1 else {
        throw AclaError.shape("conv2d weight must be [out, in, k, k] with odd k, got \(ws)")
    }
    guard ws[1] == x.shape[1] else {
        throw AclaError.shape("conv2d weight expects \(ws[1]) input channels, input has \(x.shape[1]) (shape \(x.shape))")
    }
    if let bias, bias.shape != [ws[0]] {
        throw AclaError.shape("conv2d bias must have shape [\(ws[0])], got \(bias.shape)")
    }
    // Empty maps or channel counts would reach OpenBLAS with zero leading dimensions.
    guard !x.shape.contains(0), ws[0] > 0 else {
        throw AclaError.shape("conv2d needs a non-empty input and weight, got input \(x.shape) and weight \(ws)")
    }
    let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (cout, k) = (ws[0], ws[2])
    // OpenBLAS takes the map size and the im2col depth (cin*k*k) as C int.
    _ = try kernelInt32(checkedProduct(h, w, "conv2d map size"), "conv2d map size")
    _ = try kernelInt32(checkedProduct(cin, checkedProduct(k, k, "conv2d kernel area"), "conv2d im2col depth"),
                        "conv2d im2col depth")
    let (n32, cin32, h32, w32) = try (kernelInt32(n, "conv2d batch"), kernelInt32(cin, "conv2d input channels"),
                                      kernelInt32(h, "conv2d height"), kernelInt32(w, "conv2d width"))
    let (cout32, k32) = try (kernelInt32(cout, "conv2d output channels"), kernelInt32(k, "conv2d kernel size"))
    let band = bandFloats
    var y = try Tensor(checkedZeros: [n, cout, h, w], what: "conv2d output")
    let threads = Threads.count
    let status = y.data.withUnsafeMutableBufferPointer { yp in
        x.value.data.withUnsafeBufferPointer { xp in
            weight.value.data.withUnsafeBufferPointer { wp in
                withOptionalBuffer(bias?.value.data) { bp in
                    ak_conv2d_forward_banded(xp.baseAddress, n32, cin32, h32, w32, wp.baseAddress,
                                             bp, cout32, k32, yp.baseAddress, band, threads)
                }
            }
        }
    }
    guard status == 0 else { throw AclaError.outOfMemory("conv2d could not allocate its column buffer") }
    var parents = [x, weight]
    if let bias { parents.append(bias) }
    return Variable.result(y, parents: parents) { dy in
        var dx = x.requiresGrad ? try Tensor(checkedZeros: x.shape) : nil
        var dw = weight.requiresGrad ? try Tensor(checkedZeros: weight.shape) : nil
        var db = (bias?.requiresGrad ?? false) ? try Tensor(checkedZeros: [cout]) : nil
        let rc = withOptionalMutableBuffer(&dx) { dxp in
            withOptionalMutableBuffer(&dw) { dwp in
                withOptionalMutableBuffer(&db) { dbp in
                    x.value.data.withUnsafeBufferPointer { xp in
                        weight.value.data.withUnsafeBufferPointer { wp in
                            dy.data.withUnsafeBufferPointer { dyp in
                                ak_conv2d_backward_banded(xp.baseAddress, n32, cin32, h32, w32,
                                                          wp.baseAddress, cout32, k32, dyp.baseAddress,
                                                          dxp, dwp, dbp, band, threads)
                            }
                        }
                    }
                }
            }
        }
        guard rc == 0 else { throw AclaError.outOfMemory("conv2d backward could not allocate its column buffers") }
        return bias == nil ? [dx, dw] : [dx, dw, db]
    }
}
