/// Bilinear demosaicing of a GRBG mosaic: the trivial baseline the demosaicing models are
/// measured against. Each colour at each pixel is the weighted mean of that colour's samples in
/// the 3x3 neighbourhood (the classic bilinear kernels: green from the 4 axis neighbours, red and blue from the 2
/// row or column neighbours or the 4 diagonals), over
/// the samples that exist: at the image border the weights renormalise instead of reading zeros.
/// Rounded half up to uint8. A colour with no sample in the neighbourhood (only in images
/// narrower or shorter than 2 pixels) stays 0.
public enum BilinearDemosaic {
    /// `mosaic`: 3 channels, the colours a pixel lacks ignored (zeros as BayerMosaic writes them).
    public static func demosaic(_ mosaic: Image8) throws -> Image8 {
        guard mosaic.channels == 3 else {
            throw AclaError.invalidArgument("bilinear demosaicing needs the 3-channel GRBG mosaic, got \(mosaic.channels) channel(s)")
        }
        let (w, h) = (mosaic.width, mosaic.height)
        var out = [UInt8](repeating: 0, count: mosaic.pixels.count)
        mosaic.pixels.withUnsafeBufferPointer { p in
            for y in 0..<h {
                for x in 0..<w {
                    var sum = SIMD3<Int>(), weight = SIMD3<Int>()   // no heap per pixel
                    for dy in -1...1 {
                        let yy = y + dy
                        guard yy >= 0, yy < h else { continue }
                        for dx in -1...1 {
                            let xx = x + dx
                            guard xx >= 0, xx < w else { continue }
                            let c = BayerMosaic.channel(y: yy, x: xx)
                            // green's kernel has no corners (they are green again at a green site)
                            if c == 1, dy != 0, dx != 0 { continue }
                            let k = (2 - abs(dy)) * (2 - abs(dx))   // 4, 2, 1
                            sum[c] += k * Int(p[(yy * w + xx) * 3 + c])
                            weight[c] += k
                        }
                    }
                    for c in 0..<3 where weight[c] > 0 {
                        out[(y * w + x) * 3 + c] = UInt8((2 * sum[c] + weight[c]) / (2 * weight[c]))
                    }
                }
            }
        }
        return Image8(validatedWidth: w, height: h, channels: 3, pixels: out)
    }
}
