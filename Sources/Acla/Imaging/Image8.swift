/// An 8-bit image: `height` rows of `width` pixels of `channels` interleaved samples (HWC, the
/// layout of PNG/JPEG rows and numpy images). Gray images have 1 channel, colour 3 (RGB).
public struct Image8: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var pixels: [UInt8]

    /// Validates the geometry (channels 1 or 3, sizes >= 1 and within `ImageLimits`) and that
    /// `pixels` holds exactly height * width * channels samples.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        try Image8.validate(width: width, height: height, channels: channels)
        let count = try CheckedSize.product([height, width, channels], what: "image")
        guard pixels.count == count else {
            throw AclaError.shape("a \(width) x \(height) image with \(channels) channels needs \(count) samples, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// An image filled with `value`.
    public init(width: Int, height: Int, channels: Int, repeating value: UInt8 = 0) throws {
        try Image8.validate(width: width, height: height, channels: channels)
        let count = try CheckedSize.product([height, width, channels], what: "image")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = [UInt8](repeating: value, count: count)
    }

    /// For results whose geometry derives from an already validated image.
    init(validatedWidth width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    static func validate(width: Int, height: Int, channels: Int) throws {
        guard channels == 1 || channels == 3 else {
            throw AclaError.invalidArgument("an image has 1 (gray) or 3 (RGB) channels, got \(channels)")
        }
        try ImageLimits.check(width: width, height: height)
    }

    public var isColor: Bool { channels == 3 }

    /// The sample at row y, column x, channel c (callers keep the indices in range).
    @inlinable public subscript(y: Int, x: Int, c: Int) -> UInt8 {
        get { pixels[(y * width + x) * channels + c] }
        set { pixels[(y * width + x) * channels + c] = newValue }
    }

    /// The rectangle of `cropHeight` x `cropWidth` pixels starting at (top, left).
    public func cropped(top: Int, left: Int, height cropHeight: Int, width cropWidth: Int) throws -> Image8 {
        guard top >= 0, left >= 0, cropHeight >= 1, cropWidth >= 1,
              cropHeight <= height - top, cropWidth <= width - left else {
            throw AclaError.invalidArgument("crop of \(cropWidth) x \(cropHeight) at (\(left), \(top)) does not fit a \(width) x \(height) image")
        }
        var out = [UInt8]()
        out.reserveCapacity(cropHeight * cropWidth * channels)
        let rowLength = cropWidth * channels
        for y in top..<(top + cropHeight) {
            let start = (y * width + left) * channels
            out.append(contentsOf: pixels[start..<(start + rowLength)])
        }
        return try Image8(width: cropWidth, height: cropHeight, channels: channels, pixels: out)
    }

    /// A 3-channel copy (gray replicated); colour images are returned unchanged.
    public func toRGB() -> Image8 {
        guard channels == 1 else { return self }
        var out = [UInt8](repeating: 0, count: pixels.count * 3)
        for i in 0..<pixels.count {
            out[3 * i] = pixels[i]
            out[3 * i + 1] = pixels[i]
            out[3 * i + 2] = pixels[i]
        }
        return Image8(validatedWidth: width, height: height, channels: 3, pixels: out)
    }
}
