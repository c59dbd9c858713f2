/// The 8 dihedral transforms of EDSR-PyTorch's `augment`: transform `t` (0..<8) applies a
/// horizontal flip if bit 0 is set, then a vertical flip if bit 1 is, then a transpose if bit 2
/// is (`img[:, ::-1]`, `img[::-1]`, `img.transpose(1, 0, 2)` in that order).
public enum Dihedral {
    public static let count = 8

    /// The transformed HWC image (a transpose swaps width and height).
    public static func apply(_ t: Int, to image: Image8) -> Image8 {
        let (h, w, c) = (image.height, image.width, image.channels)
        let hflip = t & 1 != 0, vflip = t & 2 != 0, transpose = t & 4 != 0
        if !hflip && !vflip && !transpose { return image }
        let (oh, ow) = transpose ? (w, h) : (h, w)
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<oh {
                    for x in 0..<ow {
                        // position in the flipped (not yet transposed) image, then in the source
                        var (fy, fx) = transpose ? (x, y) : (y, x)
                        if vflip { fy = h - 1 - fy }
                        if hflip { fx = w - 1 - fx }
                        let s = (fy * w + fx) * c, d = (y * ow + x) * c
                        for ch in 0..<c { dst[d + ch] = src[s + ch] }
                    }
                }
            }
        }
        return Image8(validatedWidth: ow, height: oh, channels: c, pixels: out)
    }
}
