import Acla

/// Validation of the image-buffer arguments of the imaging functions: geometry, exact sample
/// counts (checked arithmetic), NULL pointers. Everything is checked before any work is done,
/// so a failing call leaves its outputs untouched.
enum ImageArguments {
    /// Channels, height and width as Ints after checking channels is 1 or 3 (with `alpha`, 1...4)
    /// and the sizes are positive and within the pixel limit.
    static func geometry(_ channels: Int32, _ height: Int32, _ width: Int32, alpha: Bool = false) throws -> (c: Int, h: Int, w: Int) {
        guard channels == 1 || channels == 3 || (alpha && (channels == 2 || channels == 4)) else {
            throw AclaError.invalidArgument(alpha ? "channels must be 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA), got \(channels)"
                                                  : "channels must be 1 or 3, got \(channels)")
        }
        guard height >= 1, width >= 1 else {
            throw AclaError.invalidArgument("image size \(width) x \(height) (width x height) is not positive")
        }
        try ImageLimits.check(width: Int(width), height: Int(height))
        return (Int(channels), Int(height), Int(width))
    }

    /// Samples of an image, with overflow checking.
    static func count(_ c: Int, _ h: Int, _ w: Int) throws -> Int {
        try CheckedSize.product([h, w, c], limit: Int.max, what: "image")
    }

    /// `len` is a C size_t: taken as UInt so that values near 2^64 are reported as passed.
    static func requireLength(_ len: UInt, _ needed: Int, _ name: String, image: String = "the image") throws {
        guard needed >= 0, len == UInt(needed) else {
            throw AclaError.shape("\(name) is \(len) samples, \(image) needs \(needed)")
        }
    }

    /// "a 10x12 (width x height) image with 3 channels", for messages about output sizes.
    static func describe(width: Int, height: Int, channels: Int) -> String {
        "a \(width)x\(height) (width x height) image with \(channels) channel\(channels == 1 ? "" : "s")"
    }

    static func image8(_ p: UnsafePointer<UInt8>?, _ len: UInt, _ channels: Int32, _ height: Int32, _ width: Int32,
                       _ name: String, lengthName: String = "len") throws -> Image8 {
        let (c, h, w) = try geometry(channels, height, width)
        let p = try requireNonNull(p, name)
        let needed = try count(c, h, w)
        try requireLength(len, needed, lengthName, image: describe(width: w, height: h, channels: c))
        return try Image8(width: w, height: h, channels: c, pixels: Array(UnsafeBufferPointer(start: p, count: needed)))
    }

    static func floatImage(_ p: UnsafePointer<Float>?, _ len: UInt, _ channels: Int32, _ height: Int32, _ width: Int32,
                           _ name: String, lengthName: String = "len") throws -> FloatImage {
        let (c, h, w) = try geometry(channels, height, width)
        let p = try requireNonNull(p, name)
        let needed = try count(c, h, w)
        try requireLength(len, needed, lengthName, image: describe(width: w, height: h, channels: c))
        return try FloatImage(width: w, height: h, channels: c, values: Array(UnsafeBufferPointer(start: p, count: needed)))
    }

    static func copy<T>(_ values: [T], to p: UnsafeMutablePointer<T>) {
        values.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            p.update(from: base, count: src.count)
        }
    }

    static func boundary(_ value: Int32) throws -> ResizeBoundary {
        switch value {
        case 0: return .symmetric
        case 1: return .replicate
        default: throw AclaError.invalidArgument("boundary must be ACLA_BOUNDARY_SYMMETRIC (0) or ACLA_BOUNDARY_REPLICATE (1), got \(value)")
        }
    }

    static func measure(_ value: Int32) throws -> MetricChannels {
        switch value {
        case 0: return .rgb
        case 1: return .y
        default: throw AclaError.invalidArgument("measure must be ACLA_MEASURE_RGB (0) or ACLA_MEASURE_Y (1), got \(value)")
        }
    }
}
