import CImageIO
#if canImport(Glibc)
import Glibc
#endif

/// PSNR and SSIM as RCAN's MATLAB scripts and BasicSR compute them (CONVENTIONS.md section 3):
/// float64 throughout, `border` pixels shaved from each side, RGB or Y. Float images are first
/// quantised as `round(clamp(x, 0, 255))`.
public enum ImageMetrics {
    /// `10 log10(255^2 / MSE)` with one MSE over all measured samples; +infinity when equal.
    public static func psnr(_ a: Image8, _ b: Image8, border: Int = 0, channels: MetricChannels = .rgb) throws -> Double {
        psnr(try MetricPlanes(a, b, border: border, channels: channels))
    }

    /// Mean of Zhou Wang's SSIM map (11x11 Gaussian window, sigma 1.5, valid filtering,
    /// K = (0.01, 0.03), L = 255), averaged over the measured channels.
    public static func ssim(_ a: Image8, _ b: Image8, border: Int = 0, channels: MetricChannels = .rgb) throws -> Double {
        try ssim(try MetricPlanes(a, b, border: border, channels: channels))
    }

    public static func psnr(_ a: FloatImage, _ b: FloatImage, border: Int = 0, channels: MetricChannels = .rgb) throws -> Double {
        try psnr(try a.quantized(), try b.quantized(), border: border, channels: channels)
    }

    public static func ssim(_ a: FloatImage, _ b: FloatImage, border: Int = 0, channels: MetricChannels = .rgb) throws -> Double {
        try ssim(try a.quantized(), try b.quantized(), border: border, channels: channels)
    }

    static func psnr(_ p: MetricPlanes) -> Double {
        var sum = 0.0
        var count = 0
        for (x, y) in zip(p.a, p.b) {
            for i in 0..<x.count {
                let d = x[i] - y[i]
                sum += d * d
            }
            count += x.count
        }
        let mse = sum / Double(count)
        return mse == 0 ? .infinity : 10 * log10(255.0 * 255.0 / mse)
    }

    static let windowSize = 11
    static let windowSigma = 1.5

    /// The normalised 1-D Gaussian whose outer product is `fspecial('gaussian', 11, 1.5)`
    /// normalised (no tap falls under MATLAB's eps cut-off at this size).
    static let window: [Double] = {
        let half = windowSize / 2
        let g = (0..<windowSize).map { i -> Double in
            let x = Double(i - half)
            return exp(-(x * x) / (2 * windowSigma * windowSigma))
        }
        let s = g.reduce(0, +)
        return g.map { $0 / s }
    }()

    static func ssim(_ p: MetricPlanes) throws -> Double {
        guard p.width >= windowSize, p.height >= windowSize else {
            throw AclaError.invalidArgument("SSIM needs at least \(windowSize) x \(windowSize) pixels after the border, got \(p.width) x \(p.height)")
        }
        let c1 = (0.01 * 255) * (0.01 * 255)
        let c2 = (0.03 * 255) * (0.03 * 255)
        var total = 0.0
        for (x, y) in zip(p.a, p.b) {
            var value = 0.0
            let rc = aci_ssim_plane(x, y, Int64(p.height), Int64(p.width), window, Int32(windowSize), c1, c2, &value)
            guard rc == 0 else { throw AclaError.outOfMemory("out of memory computing SSIM of a \(p.width) x \(p.height) image") }
            total += value
        }
        return total / Double(p.a.count)
    }
}
