/// Bayer GRBG mosaicking as the demosaicing benchmarks make their inputs: row 0 is G R G R ...,
/// row 1 is B G B G ...; the result keeps 3 channels with zeros in the colours a pixel lacks
/// (the network input of CONVENTIONS.md section 2).
public enum BayerMosaic {
    /// Which RGB channel (0, 1, 2) the GRBG pattern keeps at row y, column x.
    @inlinable public static func channel(y: Int, x: Int) -> Int {
        switch (y & 1, x & 1) {
        case (0, 0), (1, 1): return 1   // G
        case (0, 1): return 0           // R
        default: return 2               // B
        }
    }

    public static func mosaic(_ image: Image8) throws -> Image8 {
        guard image.channels == 3 else {
            throw AclaError.invalidArgument("Bayer mosaicking needs an RGB image, got \(image.channels) channel(s)")
        }
        var out = [UInt8](repeating: 0, count: image.pixels.count)
        image.pixels.withUnsafeBufferPointer { p in
            for y in 0..<image.height {
                for x in 0..<image.width {
                    let i = (y * image.width + x) * 3 + channel(y: y, x: x)
                    out[i] = p[i]
                }
            }
        }
        return Image8(validatedWidth: image.width, height: image.height, channels: 3, pixels: out)
    }

    public static func mosaic(_ image: FloatImage) throws -> FloatImage {
        guard image.channels == 3 else {
            throw AclaError.invalidArgument("Bayer mosaicking needs an RGB image, got \(image.channels) channel(s)")
        }
        var out = [Float](repeating: 0, count: image.values.count)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let i = (y * image.width + x) * 3 + channel(y: y, x: x)
                out[i] = image.values[i]
            }
        }
        return FloatImage(validatedWidth: image.width, height: image.height, channels: 3, values: out)
    }
}
