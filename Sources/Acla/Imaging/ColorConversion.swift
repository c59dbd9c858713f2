/// Colour conversions of the field's reference code (CONVENTIONS.md sections 2 and 3).
public enum ColorConversion {
    /// MATLAB `rgb2gray` weights.
    public static let grayWeights = (r: 0.298936021293775, g: 0.587043074451121, b: 0.114020904255103)

    /// MATLAB `rgb2gray` of an 8-bit RGB image: the weighted sum in double, rounded half away
    /// from zero. Gray images are returned unchanged.
    public static func rgbToGray(_ image: Image8) -> Image8 {
        guard image.channels == 3 else { return image }
        let n = image.width * image.height
        var out = [UInt8](repeating: 0, count: n)
        image.pixels.withUnsafeBufferPointer { p in
            for i in 0..<n {
                let v = grayWeights.r * Double(p[3 * i]) + grayWeights.g * Double(p[3 * i + 1])
                    + grayWeights.b * Double(p[3 * i + 2])
                out[i] = Quantize.sample(v)
            }
        }
        return Image8(validatedWidth: image.width, height: image.height, channels: 1, pixels: out)
    }

    /// BT.601 studio-swing luma of MATLAB's `rgb2ycbcr` on 0..255 values, unrounded:
    /// `16 + (65.481 R + 128.553 G + 24.966 B) / 255`.
    @inlinable public static func luma(_ r: Double, _ g: Double, _ b: Double) -> Double {
        16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    }

    /// The Y plane in double (row-major) of an RGB image; a gray image's samples unchanged.
    public static func yPlane(_ image: Image8) -> [Double] {
        guard image.channels == 3 else { return image.pixels.map { Double($0) } }
        let n = image.width * image.height
        var out = [Double](repeating: 0, count: n)
        image.pixels.withUnsafeBufferPointer { p in
            for i in 0..<n { out[i] = luma(Double(p[3 * i]), Double(p[3 * i + 1]), Double(p[3 * i + 2])) }
        }
        return out
    }

    /// The Y channel as a 1-channel float image (not rounded).
    public static func rgbToY(_ image: Image8) -> FloatImage {
        FloatImage(validatedWidth: image.width, height: image.height, channels: 1,
                   values: yPlane(image).map { Float($0) })
    }

    /// The Y channel of a float RGB image (values on the 0..255 scale, used as they are).
    public static func rgbToY(_ image: FloatImage) -> FloatImage {
        guard image.channels == 3 else { return image }
        let n = image.width * image.height
        var out = [Float](repeating: 0, count: n)
        image.values.withUnsafeBufferPointer { p in
            for i in 0..<n { out[i] = Float(luma(Double(p[3 * i]), Double(p[3 * i + 1]), Double(p[3 * i + 2]))) }
        }
        return FloatImage(validatedWidth: image.width, height: image.height, channels: 1, values: out)
    }
}
