/// A convolution's sizes, validated once (shapes, C int range of every size OpenBLAS sees), in
/// the kernels' Int32 form.
struct ConvolutionGeometry: Equatable {
    let n, cin, h, w, cout, k: Int32

    init(input x: [Int], weight ws: [Int], bias: [Int]?) throws {
        guard x.count == 4 else { throw AclaError.shape("conv2d input must be NCHW (rank 4), got shape \(x)") }
        guard ws.count == 4, ws[2] == ws[3], ws[2] % 2 == 1 else {
            throw AclaError.shape("conv2d weight must be [out, in, k, k] with odd k, got \(ws)")
        }
        guard ws[1] == x[1] else {
            throw AclaError.shape("conv2d weight expects \(ws[1]) input channels, input has \(x[1]) (shape \(x))")
        }
        if let bias, bias != [ws[0]] {
            throw AclaError.shape("conv2d bias must have shape [\(ws[0])], got \(bias)")
        }
        // Empty maps or channel counts would reach OpenBLAS with zero leading dimensions.
        guard !x.contains(0), ws[0] > 0 else {
            throw AclaError.shape("conv2d needs a non-empty input and weight, got input \(x) and weight \(ws)")
        }
        // OpenBLAS takes the map size and the im2col depth (cin*k*k) as C int.
        _ = try kernelInt32(checkedProduct(x[2], x[3], "conv2d map size"), "conv2d map size")
        _ = try kernelInt32(checkedProduct(x[1], checkedProduct(ws[2], ws[2], "conv2d kernel area"), "conv2d im2col depth"),
                            "conv2d im2col depth")
        (n, cin, h, w) = try (kernelInt32(x[0], "conv2d batch"), kernelInt32(x[1], "conv2d input channels"),
                              kernelInt32(x[2], "conv2d height"), kernelInt32(x[3], "conv2d width"))
        (cout, k) = try (kernelInt32(ws[0], "conv2d output channels"), kernelInt32(ws[2], "conv2d kernel size"))
    }

    var outputShape: [Int] { [Int(n), Int(cout), Int(h), Int(w)] }
}
