import CImageIO

/// MATLAB's `imresize(I, scale, 'bicubic')` (antialiased when shrinking), bit-exact for uint8
/// images: height pass first, then width; each 8-bit pass is rounded half away from zero and
/// saturated, and the second pass reads the rounded result. The float path keeps the
/// intermediate in double and rounds nothing.
public enum BicubicResize {
    /// MATLAB's output size, `ceil(in * scale)` per dimension, checked against `ImageLimits`.
    public static func outputSize(height: Int, width: Int, scale: Double) throws -> (height: Int, width: Int) {
        let h = try BicubicAxis.outputLength(height, scale: scale)
        let w = try BicubicAxis.outputLength(width, scale: scale)
        try ImageLimits.check(width: w, height: h, what: "resized image")
        return (h, w)
    }

    /// Output size and both passes' weights; the height pass's output is checked too.
    private static func plan(height: Int, width: Int, scale: Double, boundary: ResizeBoundary) throws
        -> (height: Int, width: Int, rows: BicubicAxis, cols: BicubicAxis) {
        let (outH, outW) = try outputSize(height: height, width: width, scale: scale)
        try ImageLimits.check(width: width, height: outH, what: "intermediate resized image")
        return (outH, outW, try BicubicAxis(inLength: height, scale: scale, boundary: boundary),
                try BicubicAxis(inLength: width, scale: scale, boundary: boundary))
    }

    public static func resize(_ image: Image8, scale: Double, boundary: ResizeBoundary = .symmetric) throws -> Image8 {
        let (outH, outW, out) = try twoPasses(image.pixels, height: image.height, width: image.width,
                                              channels: image.channels, scale: scale, boundary: boundary,
                                              pass: aci_resample_axis_u8)
        return Image8(validatedWidth: outW, height: outH, channels: image.channels, pixels: out)
    }

    public static func resize(_ image: FloatImage, scale: Double, boundary: ResizeBoundary = .symmetric) throws -> FloatImage {
        let (outH, outW, out) = try twoPasses(image.values.map { Double($0) }, height: image.height, width: image.width,
                                              channels: image.channels, scale: scale, boundary: boundary,
                                              pass: aci_resample_axis_f64)
        return FloatImage(validatedWidth: outW, height: outH, channels: image.channels, values: out.map { Float($0) })
    }

    /// One 1-D resample of an HWC buffer in C: (src, outer, in_len, inner, weights, indices, taps,
    /// out_len, dst) -> 0 or an allocation failure.
    private typealias AxisPass<T> = (UnsafePointer<T>?, Int64, Int64, Int64, UnsafePointer<Double>?,
                                     UnsafePointer<Int32>?, Int32, Int64, UnsafeMutablePointer<T>?) -> Int32

    /// The height pass, then the width pass reading its result (rounded for 8-bit samples).
    private static func twoPasses<T: Numeric>(_ source: [T], height: Int, width: Int, channels c: Int, scale: Double,
                                              boundary: ResizeBoundary, pass: AxisPass<T>) throws -> (Int, Int, [T]) {
        let (outH, outW, rows, cols) = try plan(height: height, width: width, scale: scale, boundary: boundary)
        var middle = [T](repeating: 0, count: outH * width * c)
        var out = [T](repeating: 0, count: outH * outW * c)
        var failed: Int32 = 0
        source.withUnsafeBufferPointer { src in
            middle.withUnsafeMutableBufferPointer { mid in
                failed |= pass(src.baseAddress, 1, Int64(height), Int64(width * c),
                               rows.weights, rows.indices, Int32(rows.taps), Int64(outH), mid.baseAddress)
            }
        }
        middle.withUnsafeBufferPointer { mid in
            out.withUnsafeMutableBufferPointer { dst in
                failed |= pass(mid.baseAddress, Int64(outH), Int64(width), Int64(c),
                               cols.weights, cols.indices, Int32(cols.taps), Int64(outW), dst.baseAddress)
            }
        }
        guard failed == 0 else { throw AclaError.outOfMemory("out of memory resizing a \(width) x \(height) image") }
        return (outH, outW, out)
    }

    /// MATLAB's `modcrop`: the top-left part whose height and width are multiples of `scale`.
    public static func modcrop(_ image: Image8, scale: Int) throws -> Image8 {
        guard scale >= 1 else { throw AclaError.invalidArgument("modcrop scale must be at least 1, got \(scale)") }
        let h = image.height - image.height % scale
        let w = image.width - image.width % scale
        guard h >= 1, w >= 1 else {
            throw AclaError.invalidArgument("a \(image.width) x \(image.height) image is smaller than the scale \(scale)")
        }
        if h == image.height && w == image.width { return image }
        return try image.cropped(top: 0, left: 0, height: h, width: w)
    }
}
