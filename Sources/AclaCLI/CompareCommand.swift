import Acla
import ArgumentParser

/// `acla compare`: restores an input and draws baseline, restored and reference side by side
/// with PSNR/SSIM on Y (CONVENTIONS.md section 3), plus a zoomed crop of each.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Picture of input (bicubic-upscaled), restored output and reference, with PSNR/SSIM on Y.",
        discussion: """
        The reference must have the output's size; a reference up to scale - 1 pixels larger (not yet modcropped) is cropped to it. Metrics are on Y (BT.601), shaving the scale for super-resolution and nothing otherwise; when one image is gray and the other RGB, both are measured as gray. --crop is in output pixels; by default the most detailed quarter-side square of the reference.
        """
    )

    @OptionGroup var source: RestoreModelOptions
    @OptionGroup var tiling: RestoreTilingOptions
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "Reference (ground-truth) image.") var reference: String
    @Option(help: "Crop Y,X,H,W in output pixels for the zoomed row.") var crop: String?
    @Option(help: "Output PNG.") var out: String
    @Argument(help: "Input (low-quality) image.") var input: String

    func validate() throws {
        do { try tiling.options.validate() } catch let e as AclaError { throw ValidationError(e.message) }
    }

    func run() throws {
        try cliGuard(runtime) {
            guard try ImageFile.format(forPath: out) == .png else {
                throw AclaError.invalidArgument("the picture is written as PNG: name it .png, got \(out)")
            }
            try OutputPath.requireWritable(out)
            let net = try source.network()
            let lowQuality = try ImageCommandSupport.read(input)
            var ref = try ImageCommandSupport.read(reference)
            let (restored, notes) = try Restorer(network: net).restore(lowQuality, options: tiling.options)
            notes.messages.forEach { ImageCommandSupport.note("\(Paths.fileName(input)): \($0)") }
            let s = net.config.scale
            if ref.width != restored.width || ref.height != restored.height {
                guard ref.width >= restored.width, ref.height >= restored.height,
                      ref.width - restored.width < s, ref.height - restored.height < s else {
                    throw AclaError.shape("the reference is \(ref.width) x \(ref.height), the restored output \(restored.width) x \(restored.height)")
                }
                ImageCommandSupport.note("reference cropped to \(restored.width) x \(restored.height) (modcrop to the scale)")
                ref = try ref.cropped(top: 0, left: 0, height: restored.height, width: restored.width)
            }
            let baseline = s > 1 ? try BicubicResize.resize(lowQuality, scale: Double(s)) : lowQuality
            let baselineName = s > 1 ? "bicubic x\(s)" : "input"
            let border = net.config.isSuperResolution ? s : 0
            let region = try crop.map { try parseCrop($0, width: restored.width, height: restored.height) }
                ?? CompareFigure.detailedCrop(ref)
            let b = try score(baseline, ref, border: border)
            let r = try score(restored, ref, border: border)
            let figure = CompareFigure(
                title: "\(Paths.fileName(input)) | \(net.config.summary.split(separator: "\n").first ?? "") | PSNR/SSIM on Y, shave \(border)",
                panels: [.init(image: baseline, label: "\(baselineName): \(b.text)"),
                         .init(image: restored, label: "restored: \(r.text)"),
                         .init(image: ref, label: "reference")],
                crop: region)
            let picture = try figure.render()
            try ImageFile.write(picture, to: out)
            print("\(baselineName): \(b.text)")
            print("restored: \(r.text)")
            print("wrote \(out) (\(picture.width)x\(picture.height))")
        }
    }

    /// PSNR and SSIM on Y (gray when the channel counts differ); SSIM needs 11 x 11 pixels.
    func score(_ a: Image8, _ ref: Image8, border: Int) throws -> (psnr: Double, ssim: Double?, text: String) {
        var (x, y) = (a, ref)
        if x.channels != y.channels { (x, y) = (ColorConversion.rgbToGray(x), ColorConversion.rgbToGray(y)) }
        let psnr = try ImageMetrics.psnr(x, y, border: border, channels: .y)
        let ssim = try? ImageMetrics.ssim(x, y, border: border, channels: .y)
        let text = "\(ImageCommandSupport.format(psnr, decimals: 2)) dB" + (ssim.map { CLIText.format(" / SSIM %.4f", $0) } ?? "")
        return (psnr, ssim, text)
    }

    func parseCrop(_ text: String, width: Int, height: Int) throws -> (y: Int, x: Int, h: Int, w: Int) {
        let v = text.split(separator: ",").map { Int(CLIText.trimmed($0)) }
        guard v.count == 4, let y = v[0], let x = v[1], let h = v[2], let w = v[3], y >= 0, x >= 0, h >= 1, w >= 1,
              h <= height - y, w <= width - x else {
            throw AclaError.invalidArgument("--crop must be Y,X,H,W inside the \(width) x \(height) output, got \"\(text)\"")
        }
        return (y, x, h, w)
    }
}
