#if canImport(Glibc)
import Glibc
#endif

/// The two ways the field adds Gaussian noise (CONVENTIONS.md section 2).
public enum NoiseConvention: String, Sendable, CaseIterable {
    /// `y = x + sigma * n`, kept as float (DnCNN/SwinIR style).
    case float
    /// `y = round(clamp(x + sigma * n, 0, 255))`, half away from zero (RNAN/PANet style, as
    /// their test PNGs were made).
    case uint8
}

/// Standard normal numbers for the noise, reproducible on every machine from a seed: SplitMix64
/// (`RandomGenerator.next()`) feeds Box-Muller, and both values of each pair are used, cosine
/// first. With 53-bit uniforms u1 = (k1 + 1) / 2^53 in (0, 1] and u2 = k2 / 2^53 in [0, 1)
/// (k = next() >> 11): n0 = sqrt(-2 ln u1) cos(2 pi u2), n1 = sqrt(-2 ln u1) sin(2 pi u2).
public struct GaussianNoiseStream: Sendable {
    private var generator: RandomGenerator
    private var spare: Double?

    public init(seed: UInt64) { generator = RandomGenerator(seed: seed) }

    public mutating func next() -> Double {
        if let spare {
            self.spare = nil
            return spare
        }
        let u1 = (Double(generator.next() >> 11) + 1) * 0x1.0p-53
        let u2 = Double(generator.next() >> 11) * 0x1.0p-53
        let r = (-2 * log(u1)).squareRoot()
        let t = 2 * Double.pi * u2
        spare = r * sin(t)
        return r * cos(t)
    }
}

/// Additive white Gaussian noise with `sigma` on the 0..255 scale. Sample i of the buffer (in
/// HWC order) receives the i-th number of `GaussianNoiseStream(seed:)`, so both conventions add
/// the same noise for the same seed and the uint8 result is the float result quantised.
public enum GaussianNoise {
    static func validate(_ sigma: Double) throws {
        guard sigma.isFinite, sigma >= 0 else {
            throw AclaError.invalidArgument("noise sigma must be finite and >= 0, got \(sigma)")
        }
    }

    /// Float convention on raw samples.
    public static func add(to values: [Float], sigma: Double, seed: UInt64) throws -> [Float] {
        try validate(sigma)
        var stream = GaussianNoiseStream(seed: seed)
        return values.map { Float(Double($0) + sigma * stream.next()) }
    }

    /// 8-bit convention on raw samples.
    public static func add(to pixels: [UInt8], sigma: Double, seed: UInt64) throws -> [UInt8] {
        try validate(sigma)
        var stream = GaussianNoiseStream(seed: seed)
        return pixels.map { Quantize.sample(Double($0) + sigma * stream.next()) }
    }

    public static func apply(_ image: FloatImage, sigma: Double, seed: UInt64) throws -> FloatImage {
        FloatImage(validatedWidth: image.width, height: image.height, channels: image.channels,
                   values: try add(to: image.values, sigma: sigma, seed: seed))
    }

    public static func apply(_ image: Image8, sigma: Double, seed: UInt64) throws -> Image8 {
        Image8(validatedWidth: image.width, height: image.height, channels: image.channels,
               pixels: try add(to: image.pixels, sigma: sigma, seed: seed))
    }
}
