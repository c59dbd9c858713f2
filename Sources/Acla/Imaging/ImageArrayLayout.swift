/// The axis order of an image-shaped array: .npy files hold (H, W), (H, W, C), (C, H, W),
/// (N, C, H, W) or (N, H, W, C), and readers accept any of them when the shape says which
/// unambiguously (the channel axis must have one of the allowed sizes, and only one axis may).
public enum ImageArrayLayout: String, Sendable {
    case hw = "HW", hwc = "HWC", chw = "CHW", nchw = "NCHW", nhwc = "NHWC"

    /// Batch, channels, height and width of `shape` read in this layout.
    public func dimensions(_ shape: [Int]) -> (n: Int, c: Int, h: Int, w: Int) {
        switch self {
        case .hw: return (1, 1, shape[0], shape[1])
        case .hwc: return (1, shape[2], shape[0], shape[1])
        case .chw: return (1, shape[0], shape[1], shape[2])
        case .nchw: return (shape[0], shape[1], shape[2], shape[3])
        case .nhwc: return (shape[0], shape[3], shape[1], shape[2])
        }
    }

    /// The shape of n images of c x h x w in this layout (.hw needs n == 1 and c == 1).
    public func shape(n: Int, c: Int, h: Int, w: Int) -> [Int] {
        switch self {
        case .hw: return [h, w]
        case .hwc: return [h, w, c]
        case .chw: return [c, h, w]
        case .nchw: return [n, c, h, w]
        case .nhwc: return [n, h, w, c]
        }
    }

    /// True when the channels are the last axis.
    public var channelsLast: Bool { self == .hwc || self == .nhwc }

    /// The layout of `shape` whose channel axis has one of `channels`; `name` is what errors
    /// call the array. A shape that fits two layouts, e.g. (3, 8, 3), is an error.
    public static func infer(_ shape: [Int], channels: Set<Int>, name: String) throws -> ImageArrayLayout {
        let allowed = channels.sorted().map(String.init).joined(separator: " or ")
        var fits: [ImageArrayLayout]
        switch shape.count {
        case 2: fits = channels.contains(1) ? [.hw] : []
        case 3: fits = [ImageArrayLayout.hwc, .chw].filter { channels.contains($0.dimensions(shape).c) }
        case 4: fits = [ImageArrayLayout.nchw, .nhwc].filter { channels.contains($0.dimensions(shape).c) }
        default:
            throw AclaError.shape("\(name): an image array has 2, 3 or 4 axes (HW, HWC/CHW, NCHW/NHWC), got shape \(shape)")
        }
        if fits.count == 2 && fits[0].dimensions(shape) == fits[1].dimensions(shape) { fits.removeLast() }
        guard fits.count == 1 else {
            if fits.isEmpty {
                throw AclaError.shape("\(name): shape \(shape) has no axis of \(allowed) channels where one is expected (\(shape.count == 3 ? "HWC or CHW" : shape.count == 4 ? "NCHW or NHWC" : "HW"))")
            }
            throw AclaError.shape("\(name): shape \(shape) is ambiguous, it reads as \(fits[0].rawValue) and as \(fits[1].rawValue); transpose it so only one axis has \(allowed) entries")
        }
        return fits[0]
    }

    /// `values` (laid out as `shape` in this layout) in NCHW order.
    public func toNCHW(_ values: [Float], shape: [Int]) -> [Float] {
        guard channelsLast else { return values }
        let (n, c, h, w) = dimensions(shape)
        var out = [Float](repeating: 0, count: values.count)
        for b in 0..<n { for y in 0..<h { for x in 0..<w { for k in 0..<c {
            out[((b * c + k) * h + y) * w + x] = values[((b * h + y) * w + x) * c + k]
        } } } }
        return out
    }

    /// NCHW `values` of n x c x h x w in this layout.
    public func fromNCHW(_ values: [Float], n: Int, c: Int, h: Int, w: Int) -> [Float] {
        guard channelsLast else { return values }
        var out = [Float](repeating: 0, count: values.count)
        for b in 0..<n { for y in 0..<h { for x in 0..<w { for k in 0..<c {
            out[((b * h + y) * w + x) * c + k] = values[((b * c + k) * h + y) * w + x]
        } } } }
        return out
    }
}
