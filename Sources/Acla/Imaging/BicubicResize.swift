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
        let (outH, outW, rows, cols) = try plan(height: image.height, width: image.width, scale: scale, boundary: boundary)
        let c = image.channels
        var middle = [UInt8](repeating: 0, count: outH * image.width * c)
        var out = [UInt8](repeating: 0, count: outH * outW * c)
        var failed: Int32 = 0
        image.pixels.withUnsafeBufferPointer { src in
            middle.withUnsafeMutableBufferPointer { mid in
                failed |= aci_resample_axis_u8(src.baseAddress, 1, Int64(image.height), Int64(image.width * c),
                                               rows.weights, rows.indices, Int32(rows.taps), Int64(outH), mid.baseAddress)
            }
        }
        middle.withUnsafeBufferPointer { mid in
            out.withUnsafeMutableBufferPointer { dst in
                failed |= aci_resample_axis_u8(mid.baseAddress, Int64(outH), Int64(image.width), Int64(c),
                                               cols.weights, cols.indices, Int32(cols.taps), Int64(outW), dst.baseAddress)
            }
        }
        guard failed == 0 else { throw AclaError.outOfMemory("out of memory resizing a \(image.width) x \(image.height) image") }
        return Image8(validatedWidth: outW, height: outH, channels: c, pixels: out)
    }

    public static func resize(_ image: FloatImage, scale: Double, boundary: ResizeBoundary = .symmetric) throws -> FloatImage {
        let (outH, outW, rows, cols) = try plan(height: image.height, width: image.width, scale: scale, boundary: boundary)
        let c = image.channels
        let source = image.values.map { Double($0) }
        var middle = [Double](repeating: 0, count: outH * image.width * c)
        var out = [Double](repeating: 0, count: outH * outW * c)
        var failed: Int32 = 0
        source.withUnsafeBufferPointer { src in
            middle.withUnsafeMutableBufferPointer { mid in
                failed |= aci_resample_axis_f64(src.baseAddress, 1, Int64(image.height), Int64(image.width * c),
                                                rows.weights, rows.indices, Int32(rows.taps), Int64(outH), mid.baseAddress)
            }
        }
        middle.withUnsafeBufferPointer { mid in
            out.withUnsafeMutableBufferPointer { dst in
                failed |= aci_resample_axis_f64(mid.baseAddress, Int64(outH), Int64(image.width), Int64(c),
                                                cols.weights, cols.indices, Int32(cols.taps), Int64(outW), dst.baseAddress)
            }
        }
        guard failed == 0 else { throw AclaError.outOfMemory("out of memory resizing a \(image.width) x \(image.height) image") }
        return FloatImage(validatedWidth: outW, height: outH, channels: c, values: out.map { Float($0) })
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
