/// Float images as .npy arrays (the float noise convention cannot be stored in an 8-bit PNG):
/// C-order (H, W) for gray or (H, W, C) with C 1 or 3, the layout of `FloatImage.values`.
extension FloatImage {
    /// The image as an HWC array, (H, W) when gray.
    public func hwcArray() throws -> Tensor {
        try Tensor(shape: channels == 1 ? [height, width] : [height, width, channels], data: values)
    }

    /// An (H, W) or (H, W, C) array as an image; `name` is what errors call it.
    public init(hwcArray array: Tensor, name: String = "array") throws {
        let (height, width, channels) = try Self.hwcSize(array.shape, name: name)
        self.init(validatedWidth: width, height: height, channels: channels, values: Array(array.data))
    }

    /// Height, width and channels of an image-shaped array; throws for any other shape.
    static func hwcSize(_ shape: [Int], name: String) throws -> (Int, Int, Int) {
        let size: (Int, Int, Int)
        switch shape.count {
        case 2: size = (shape[0], shape[1], 1)
        case 3: size = (shape[0], shape[1], shape[2])
        default: throw AclaError.shape("\(name): array of shape \(shape) is not an image (H, W) or (H, W, C)")
        }
        try Image8.validate(width: size.1, height: size.0, channels: size.2)
        return size
    }
}

extension NpyFile {
    /// A float image from a .npy array of float32, float64 or uint8 values, HW, HWC, CHW, or
    /// NCHW/NHWC with N = 1 (`ImageArrayLayout`: shapes that fit two layouts are refused). The
    /// shape is checked against `ImageLimits` before the data is read.
    public static func readImage(_ path: String) throws -> FloatImage { try readImageWithLayout(path).image }

    /// `readImage` and the layout the shape was read in.
    public static func readImageWithLayout(_ path: String) throws -> (image: FloatImage, layout: ImageArrayLayout) {
        let (elements, overflow) = ImageLimits.maxPixels.multipliedReportingOverflow(by: 3)
        let name = "'\(path)'"
        var layout = ImageArrayLayout.hw
        let array = try read(path, maxBytes: byteLimit(elements: overflow ? Int.max : elements)) { shape in
            layout = try ImageArrayLayout.infer(shape, channels: [1, 3], name: name)
            let d = layout.dimensions(shape)
            guard d.n == 1 else { throw AclaError.shape("\(name): shape \(shape) holds \(d.n) images (\(layout.rawValue)); an image file holds one") }
            try Image8.validate(width: d.w, height: d.h, channels: d.c)
        }
        let d = layout.dimensions(array.shape)
        let nchw = layout.toNCHW(Array(array.data), shape: array.shape)
        let hwc = ImageArrayLayout.hwc.fromNCHW(nchw, n: 1, c: d.c, h: d.h, w: d.w)
        return (try FloatImage(width: d.w, height: d.h, channels: d.c, values: hwc), layout)
    }

    /// Replaces `path` atomically with the image as a float32 array.
    public static func write(_ image: FloatImage, to path: String) throws {
        try write(image.hwcArray(), to: path)
    }
}
