/// `acla eval`: per-image PSNR/SSIM of restored images against references and their
/// arithmetic means (a dataset's score, CONVENTIONS.md section 3).
public enum Evaluation {
    public struct Options: Sendable {
        public var channels: MetricChannels
        public var border: Int
        /// Super-resolution scale: a reference larger than its restored image by less than
        /// `scale` pixels in a dimension is cropped top-left to it (MATLAB's modcrop).
        public var scale: Int

        public init(channels: MetricChannels = .rgb, border: Int = 0, scale: Int = 1) {
            self.channels = channels
            self.border = border
            self.scale = scale
        }
    }

    public struct Score: Sendable {
        public let reference: String
        public let restored: String
        public let psnr: Double
        public let ssim: Double
    }

    public struct Report: Sendable {
        public let scores: [Score]
        public let notes: [String]
        public var meanPSNR: Double { scores.map(\.psnr).reduce(0, +) / Double(max(scores.count, 1)) }
        public var meanSSIM: Double { scores.map(\.ssim).reduce(0, +) / Double(max(scores.count, 1)) }
    }

    public static func run(reference: String, restored: String, options: Options) throws -> Report {
        guard options.border >= 0 else { throw AclaError.invalidArgument("shave must be >= 0, got \(options.border)") }
        guard options.scale >= 1 else { throw AclaError.invalidArgument("scale must be >= 1, got \(options.scale)") }
        let (pairs, pairNotes) = try EvaluationPairing.pairs(reference: reference, restored: restored)
        var notes = pairNotes
        var scores: [Score] = []
        for pair in pairs {
            let (ref, refNotes) = try readForEvaluation(pair.reference)
            let (out, outNotes) = try readForEvaluation(pair.restored)
            for n in refNotes + outNotes { notes.append(n) }
            let aligned = try align(reference: ref, restored: out, scale: options.scale, name: pair.reference)
            if aligned.cropped { notes.append("\(Paths.fileName(pair.reference)): reference cropped to \(out.width)x\(out.height) to match") }
            let psnr = try ImageMetrics.psnr(aligned.image, out, border: options.border, channels: options.channels)
            let ssim = try ImageMetrics.ssim(aligned.image, out, border: options.border, channels: options.channels)
            scores.append(Score(reference: pair.reference, restored: pair.restored, psnr: psnr, ssim: ssim))
        }
        return Report(scores: scores, notes: notes)
    }

    /// An 8-bit image from a PNG/JPEG file or a float .npy array (quantised).
    public static func readForEvaluation(_ path: String) throws -> (Image8, [String]) {
        if path.lowercased().hasSuffix(".npy") {
            let (array, layout) = try NpyFile.readImageWithLayout(path)
            let note = layout == .hw || layout == .hwc ? [] : ["\(Paths.fileName(path)): array read as \(layout.rawValue)"]
            return (try array.quantized(), note)
        }
        let (image, info) = try ImageFile.read(path)
        let name = Paths.fileName(path)
        return (image, info.notes.messages.map { "\(name): \($0)" })
    }

    static func align(reference: Image8, restored: Image8, scale: Int, name: String) throws -> (image: Image8, cropped: Bool) {
        if reference.width == restored.width && reference.height == restored.height { return (reference, false) }
        let dw = reference.width - restored.width
        let dh = reference.height - restored.height
        guard dw >= 0, dh >= 0, dw < scale, dh < scale else {
            throw AclaError.shape("\(name) is \(reference.width)x\(reference.height) but its restored image is \(restored.width)x\(restored.height)")
        }
        return (try reference.cropped(top: 0, left: 0, height: restored.height, width: restored.width), true)
    }
}
