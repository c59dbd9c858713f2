/// A restoration measured as its task's benchmarks measure it, next to the task's trivial
/// baseline: what `acla restore --degrade-first` / `--reference` print, and what the bundled
/// models' tests check. The degradations are the ones the bundled models were trained on
/// (docs/MODELS.md): MATLAB bicubic x1/scale on uint8 (after modcrop), Gaussian noise rounded and
/// clipped to uint8, the GRBG mosaic, a libjpeg round trip.
public enum TaskComparison {
    public struct Settings: Sendable {
        /// denoise: noise sigma on the 0..255 scale.
        public var sigma: Double
        /// jpeg: quality 1..100.
        public var quality: Int
        /// denoise: seed of the noise.
        public var seed: UInt64
        public init(sigma: Double = 25, quality: Int = 10, seed: UInt64 = 0) {
            self.sigma = sigma
            self.quality = quality
            self.seed = seed
        }
    }

    public struct Score: Sendable, Equatable {
        public let psnr: Double
        public let ssim: Double
    }

    /// The clean image as the task's input (for sr, the modcropped image downscaled).
    public static func degrade(_ clean: Image8, config: ModelConfig, settings: Settings = Settings()) throws -> Image8 {
        switch config.task {
        case .sr:
            let cropped = try BicubicResize.modcrop(clean, scale: config.scale)
            return try BicubicResize.resize(cropped, scale: 1 / Double(config.scale))
        case .denoise:
            return try GaussianNoise.apply(clean, sigma: settings.sigma, seed: settings.seed)
        case .demosaic:
            return try BayerMosaic.mosaic(clean)
        case .jpeg:
            return try JPEGDegradation.roundTrip(clean, quality: settings.quality)
        }
    }

    /// The trivial restoration: bicubic x scale (sr), the input itself (denoise, jpeg), bilinear
    /// demosaicing (demosaic).
    public static func baseline(_ degraded: Image8, config: ModelConfig) throws -> Image8 {
        switch config.task {
        case .sr: return try BicubicResize.resize(degraded, scale: Double(config.scale))
        case .denoise, .jpeg: return degraded
        case .demosaic: return try BilinearDemosaic.demosaic(degraded)
        }
    }

    /// The baseline's name in reports.
    public static func baselineName(_ config: ModelConfig) -> String {
        switch config.task {
        case .sr: return "bicubic"
        case .denoise: return "noisy input"
        case .jpeg: return "JPEG input"
        case .demosaic: return "bilinear"
        }
    }

    /// What the task's benchmarks measure: Y with `scale` pixels shaved for sr, Y for jpeg
    /// (classic5 is gray), RGB with no shave for denoise and demosaic.
    public static func metric(_ config: ModelConfig) -> (channels: MetricChannels, border: Int) {
        switch config.task {
        case .sr: return (.y, config.scale)
        case .jpeg: return (.y, 0)
        case .denoise, .demosaic: return (.rgb, 0)
        }
    }

    public static func metricDescription(_ config: ModelConfig) -> String {
        let m = metric(config)
        return (m.channels == .y ? "Y" : "RGB") + (m.border > 0 ? ", shave \(m.border)" : "")
    }

    /// PSNR/SSIM of `image` against `reference`; for sr a reference larger than the output by
    /// less than `scale` pixels (the modcrop) is cropped to it.
    public static func measure(_ image: Image8, reference: Image8, config: ModelConfig) throws -> Score {
        var reference = reference
        if config.task == .sr, reference.height != image.height || reference.width != image.width {
            reference = try BicubicResize.modcrop(reference, scale: config.scale)
        }
        guard reference.height == image.height, reference.width == image.width else {
            throw AclaError.shape("the reference is \(reference.width)x\(reference.height), the restored image \(image.width)x\(image.height)")
        }
        guard reference.channels == image.channels else {
            throw AclaError.shape("the reference has \(reference.channels) channel(s), the restored image \(image.channels)")
        }
        let m = metric(config)
        return Score(psnr: try ImageMetrics.psnr(image, reference, border: m.border, channels: m.channels),
                     ssim: try ImageMetrics.ssim(image, reference, border: m.border, channels: m.channels))
    }
}
