/// A float image in the layout of `Image8` (HWC interleaved), values on the 0..255 scale:
/// the float path of resizing and noise, and the bridge to NCHW tensors for the networks.
public struct FloatImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var values: [Float]

    public init(width: Int, height: Int, channels: Int, values: [Float]) throws {
        try Image8.validate(width: width, height: height, channels: channels)
        let count = try CheckedSize.product([height, width, channels], what: "image")
        guard values.count == count else {
            throw AclaError.shape("a \(width) x \(height) image with \(channels) channels needs \(count) values, got \(values.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.values = values
    }

    init(validatedWidth width: Int, height: Int, channels: Int, values: [Float]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.values = values
    }

    /// The 8-bit samples as floats (0..255).
    public init(_ image: Image8) {
        self.init(validatedWidth: image.width, height: image.height, channels: image.channels,
                  values: image.pixels.map { Float($0) })
    }

    /// `round(clamp(x, 0, 255))`, rounding half away from zero: how every output is quantised
    /// before it is saved or measured (CONVENTIONS.md section 3). NaN is an error.
    public func quantized() throws -> Image8 {
        Image8(validatedWidth: width, height: height, channels: channels,
               pixels: try Quantize.toUInt8(values, what: "image"))
    }

    /// A [1, C, H, W] tensor (planar), values unchanged.
    public func toTensor() throws -> Tensor {
        var tensor = try Tensor(uninitialized: [1, channels, height, width], what: "image tensor")
        let plane = width * height
        values.withUnsafeBufferPointer { src in
            tensor.data.withUnsafeMutableBufferPointer { dst in
                for p in 0..<plane {
                    for c in 0..<channels { dst[c * plane + p] = src[p * channels + c] }
                }
            }
        }
        return tensor
    }

    /// Image `index` of an NCHW tensor with 1 or 3 channels, values unchanged.
    public init(tensor: Tensor, index: Int = 0) throws {
        guard tensor.rank == 4 else { throw AclaError.shape("an image tensor must be NCHW (rank 4), got shape \(tensor.shape)") }
        let (n, c, h, w) = (tensor.shape[0], tensor.shape[1], tensor.shape[2], tensor.shape[3])
        guard index >= 0, index < n else { throw AclaError.invalidArgument("image index \(index) is outside the batch of \(n)") }
        try Image8.validate(width: w, height: h, channels: c)
        let plane = h * w
        let base = index * c * plane
        var values = [Float](repeating: 0, count: plane * c)
        tensor.data.withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { dst in
                for p in 0..<plane {
                    for ch in 0..<c { dst[p * c + ch] = src[base + ch * plane + p] }
                }
            }
        }
        self.init(validatedWidth: w, height: h, channels: c, values: values)
    }
}

extension Image8 {
    /// A [1, C, H, W] float tensor with values 0..255: the networks' input.
    public func toTensor() throws -> Tensor { try FloatImage(self).toTensor() }

    /// Image `index` of an NCHW tensor, quantised as `round(clamp(x, 0, 255))`.
    public init(tensor: Tensor, index: Int = 0) throws {
        self = try FloatImage(tensor: tensor, index: index).quantized()
    }
}

/// Rounding to 8 bits as MATLAB's uint8() does: half away from zero, saturating.
public enum Quantize {
    @inlinable public static func sample(_ x: Double) -> UInt8 {
        x <= 0 ? 0 : (x >= 255 ? 255 : UInt8(x.rounded(.toNearestOrAwayFromZero)))
    }

    /// Quantises every value; NaN is an error naming its index.
    public static func toUInt8(_ values: [Float], what: String) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count)
        var bad = -1
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<src.count {
                    let v = src[i]
                    if v.isNaN { bad = i; return }
                    dst[i] = sample(Double(v))
                }
            }
        }
        guard bad < 0 else { throw AclaError.invalidArgument("\(what) holds NaN at index \(bad)") }
        return out
    }
}
