import Acla
import ArgumentParser

/// `acla restore --degrade-first` and `--reference`: the restored image measured as the task's
/// benchmarks measure it, next to the task's trivial baseline (TaskComparison).
struct RestoreComparisonOptions: ParsableArguments {
    @Flag(name: .customLong("degrade-first"), help: "IN is a clean image: degrade it as the model's task does (bicubic down by the scale, noise, GRBG mosaic, JPEG), restore that, and print PSNR/SSIM against IN next to the task's baseline (bicubic, the noisy or JPEG input, bilinear demosaicing).")
    var degradeFirst = false

    @Option(help: "A reference image for IN: print PSNR/SSIM of the output and of the task's baseline against it.")
    var reference: String?

    @Option(parsing: .unconditional, help: "--degrade-first, denoise: the noise sigma (0..255 scale).")
    var sigma: Double = 25

    @Option(name: .customLong("jpeg-quality"), parsing: .unconditional, help: "--degrade-first, jpeg: the JPEG quality (1..100).")
    var jpegQuality: Int = 10

    @Option(name: .customLong("noise-seed"), parsing: .unconditional, help: "--degrade-first, denoise: the noise seed.")
    var noiseSeed: Int = 0

    @Option(name: .customLong("save-input"), help: "--degrade-first: also write the degraded input here.")
    var saveInput: String?

    var isActive: Bool { degradeFirst || reference != nil }

    func validate() throws {
        if degradeFirst, reference != nil {
            throw ValidationError("--degrade-first compares with IN itself: --reference does not apply")
        }
        if saveInput != nil, !degradeFirst { throw ValidationError("--save-input applies to --degrade-first only") }
        guard sigma.isFinite, sigma >= 0, sigma <= 255 else { throw ValidationError("--sigma must be 0...255, got \(sigma)") }
        guard (1...100).contains(jpegQuality) else { throw ValidationError("--jpeg-quality must be 1...100, got \(jpegQuality)") }
        guard noiseSeed >= 0 else { throw ValidationError("--noise-seed must be >= 0, got \(noiseSeed)") }
    }

    var settings: TaskComparison.Settings {
        TaskComparison.Settings(sigma: sigma, quality: jpegQuality, seed: UInt64(noiseSeed))
    }

    /// The image to restore: IN as read, or IN degraded (then written to --save-input).
    func input(_ image: Image8, config: ModelConfig) throws -> Image8 {
        guard degradeFirst else { return image }
        let degraded = try TaskComparison.degrade(image, config: config, settings: settings)
        if let saveInput { try ImageFile.write(degraded, to: saveInput) }
        return degraded
    }

    /// Prints the two scores against the reference (IN itself with --degrade-first).
    func report(restored: Image8, input: Image8, original: Image8, config: ModelConfig) throws {
        let reference = try degradeFirst ? original : ImageCommandSupport.read(self.reference ?? "")
        let ours = try TaskComparison.measure(restored, reference: reference, config: config)
        let baselineImage = try TaskComparison.baseline(input, config: config)
        let base = try TaskComparison.measure(baselineImage, reference: reference, config: config)
        let name = TaskComparison.baselineName(config)
        func f(_ v: Double, _ d: Int) -> String { ImageCommandSupport.format(v, decimals: d) }
        print("PSNR/SSIM against \(degradeFirst ? "the original" : "the reference") (\(TaskComparison.metricDescription(config))): "
              + "restored \(f(ours.psnr, 2)) dB / \(f(ours.ssim, 4)), \(name) \(f(base.psnr, 2)) dB / \(f(base.ssim, 4))")
    }
}
