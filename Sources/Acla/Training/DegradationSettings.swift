/// How training (and validation) inputs are made from high-quality images, per task
/// (CONVENTIONS.md section 2): MATLAB bicubic on uint8 for sr, Gaussian noise for denoise,
/// Bayer GRBG for demosaic, a libjpeg round trip for jpeg. Ranges are sampled per patch.
public struct DegradationSettings: Equatable, Sendable {
    /// sr: the boundary rule of the bicubic downscale (MATLAB's default, symmetric, as DIV2K's LR).
    public var resizeBoundary: ResizeBoundary = .symmetric
    /// denoise: sigma on the 0..255 scale, drawn uniformly per patch (a fixed sigma: lo == hi).
    public var noiseSigma: ClosedRange<Double> = 25...25
    public var noiseConvention: NoiseConvention = .float
    /// jpeg: quality drawn uniformly per patch among the integers of the range.
    public var jpegQuality: ClosedRange<Int> = 10...10

    public init() {}

    public func validate() throws {
        guard noiseSigma.lowerBound.isFinite, noiseSigma.upperBound.isFinite, noiseSigma.lowerBound >= 0,
              noiseSigma.upperBound <= 1000 else {
            throw AclaError.invalidArgument("noise sigma must be within 0...1000, got \(noiseSigma)")
        }
        guard jpegQuality.lowerBound >= 1, jpegQuality.upperBound <= 100 else {
            throw AclaError.invalidArgument("JPEG quality must be within 1...100, got \(jpegQuality)")
        }
    }

    /// The one value validation uses for a range: its midpoint (quality rounded down).
    var validationSigma: Double { (noiseSigma.lowerBound + noiseSigma.upperBound) / 2 }
    var validationQuality: Int { (jpegQuality.lowerBound + jpegQuality.upperBound) / 2 }

    /// The low-quality input of a same-resolution task for one clean patch (8-bit, HWC), as floats.
    /// `rng` supplies the sampled sigma or quality and the noise.
    func degrade(_ clean: Image8, task: ModelConfig.Task, sigma: Double? = nil, quality: Int? = nil,
                 rng: inout RandomGenerator) throws -> [Float] {
        switch task {
        case .sr:
            throw AclaError.internal("super-resolution inputs are made per image, not per patch")
        case .denoise:
            let s = sigma ?? (noiseSigma.lowerBound == noiseSigma.upperBound
                ? noiseSigma.lowerBound : rng.uniform(noiseSigma.lowerBound, noiseSigma.upperBound))
            let seed = rng.next()
            switch noiseConvention {
            case .float: return try GaussianNoise.add(to: clean.pixels.map { Float($0) }, sigma: s, seed: seed)
            case .uint8: return try GaussianNoise.add(to: clean.pixels, sigma: s, seed: seed).map { Float($0) }
            }
        case .demosaic:
            return try BayerMosaic.mosaic(clean).pixels.map { Float($0) }
        case .jpeg:
            let q = quality ?? (jpegQuality.lowerBound + rng.index(below: jpegQuality.count))
            return try JPEGDegradation.roundTrip(clean, quality: q).pixels.map { Float($0) }
        }
    }
}
