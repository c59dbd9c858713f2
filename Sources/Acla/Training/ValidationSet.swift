/// Validation images with fixed inputs (made once, deterministically: the same numbers on every
/// run and every seed), scored as CONVENTIONS.md section 3 does: outputs quantised as
/// `round(clamp(x, 0, 255))`, super-resolution on Y with `scale` pixels shaved, the
/// same-resolution tasks on their channels (RGB or gray) with no shave.
public final class ValidationSet {
    public struct Item {
        public let name: String
        public let input: Tensor
        public let reference: Image8
    }

    public struct Score: Sendable {
        public let name: String
        public let psnr: Double
        public let ssim: Double
    }

    public struct Result: Sendable {
        public let scores: [Score]
        public var meanPSNR: Double { scores.map(\.psnr).reduce(0, +) / Double(max(scores.count, 1)) }
        public var meanSSIM: Double { scores.map(\.ssim).reduce(0, +) / Double(max(scores.count, 1)) }
    }

    public let items: [Item]
    public let config: ModelConfig
    public let channels: MetricChannels
    public let shave: Int

    /// `maxSide` > 0 centre-crops each target to at most maxSide x maxSide (a multiple of the scale)
    /// so validating large images stays quick.
    public init(images: TrainingImages, config: ModelConfig, degradation: DegradationSettings, maxSide: Int = 0) throws {
        guard maxSide >= 0 else { throw AclaError.invalidArgument("validation crop must be >= 0, got \(maxSide)") }
        let s = config.scale
        var items: [Item] = []
        for (index, item) in images.items.enumerated() {
            var target = item.target
            if maxSide > 0 {
                let side = max(maxSide - maxSide % s, s)
                let h = min(target.height, side), w = min(target.width, side)
                if h < target.height || w < target.width {
                    target = try target.cropped(top: (target.height - h) / 2 / s * s, left: (target.width - w) / 2 / s * s,
                                                height: h, width: w)
                }
            }
            let input: Tensor
            if config.task == .sr {
                input = try BicubicResize.resize(target, scale: 1 / Double(s), boundary: degradation.resizeBoundary).toTensor()
            } else {
                var rng = RandomStreams.generator(seed: 0, .validationNoise, UInt64(index))
                let values = try degradation.degrade(target, task: config.task, sigma: degradation.validationSigma,
                                                     quality: degradation.validationQuality, rng: &rng)
                input = try FloatImage(validatedWidth: target.width, height: target.height, channels: target.channels,
                                   values: values).toTensor()
            }
            guard input.shape[2] * s == target.height, input.shape[3] * s == target.width else {
                throw AclaError.internal("validation input \(input.shape) does not match its target \(target.width)x\(target.height)")
            }
            items.append(Item(name: item.name, input: input, reference: target))
        }
        guard !items.isEmpty else { throw AclaError.invalidArgument("the validation set holds no image") }
        self.items = items
        self.config = config
        channels = config.task == .sr ? .y : .rgb
        shave = config.task == .sr ? s : 0
    }

    /// The trivial restoration's score, for scale: bicubic upsampling of the input (sr, 8-bit,
    /// MATLAB's kernel), or the input itself (denoise, jpeg); nil for demosaic (whose input has
    /// zeros where colours are missing).
    public func baseline() throws -> Result? {
        switch config.task {
        case .demosaic: return nil
        case .sr:
            return try evaluate { x in
                try BicubicResize.resize(Image8(tensor: x), scale: Double(config.scale)).toTensor()
            }
        case .denoise, .jpeg: return try evaluate { $0 }
        }
    }

    /// Scores `restore` (the network in evaluation mode) on every image.
    public func evaluate(_ restore: (Tensor) throws -> Tensor) throws -> Result {
        var scores: [Score] = []
        for item in items {
            let output = try Image8(tensor: restore(item.input))
            let psnr = try ImageMetrics.psnr(output, item.reference, border: shave, channels: channels)
            let ssim = try ImageMetrics.ssim(output, item.reference, border: shave, channels: channels)
            scores.append(Score(name: item.name, psnr: psnr, ssim: ssim))
        }
        return Result(scores: scores)
    }
}
