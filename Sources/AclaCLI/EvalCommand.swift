import Acla
import ArgumentParser

/// `acla eval`: per-image PSNR/SSIM of restored images against references, as RCAN's MATLAB
/// scripts and BasicSR compute them (CONVENTIONS.md section 3), and their arithmetic means.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "PSNR/SSIM of restored images against references (per image and means).",
        discussion: """
        Files are matched by name stem, tolerating benchmark suffixes (x2, _x2, _HR_x2, _RCAN_x2, _Q10); files marked _LR/_LRBI/_LQ in the reference folder are inputs, not references.

        Super-resolution shaves --scale pixels from each side unless --shave says otherwise; the other tasks shave none. Restored images may be PNG, JPEG or float .npy arrays (quantised as round(clamp(x, 0, 255))).
        """
    )

    @Option(help: "sr, denoise, demosaic or jpeg.") var task: TaskOption
    @Option(parsing: .unconditional, help: "sr: the scale (the default shave).") var scale: Int?
    @Option(help: "Reference (ground-truth) image or folder.") var reference: String
    @Option(help: "Restored image or folder.") var restored: String
    @Flag(help: "Measure the Y channel (BT.601) instead of RGB.") var y = false
    @Option(parsing: .unconditional, help: "Pixels cropped from each side before measuring.") var shave: Int?
    @Option(help: "Also write the results as JSON to this file.") var json: String?
    @Option(name: .customLong("max-pixels"), parsing: .unconditional, help: "Refuse images with more pixels (default 100000000).") var maxPixels: Int?
    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        if task == .sr {
            guard let scale else { throw ValidationError("--task sr needs --scale N with N >= 1") }
            guard scale >= 1 else { throw ValidationError("--scale must be >= 1, got \(scale)") }
        } else if let scale, scale != 1 {
            throw ValidationError("--scale applies to --task sr only")
        }
        if let shave, shave < 0 { throw ValidationError("--shave must be >= 0, got \(shave)") }
    }

    func run() throws {
        try cliGuard(runtime) {
            if let json { try OutputPath.requireWritable(json) }
            try ImageCommandSupport.applyPixelLimit(maxPixels)
            let s = task == .sr ? (scale ?? 1) : 1
            let options = Evaluation.Options(channels: y ? .y : .rgb, border: shave ?? (task == .sr ? s : 0), scale: s)
            let report = try Evaluation.run(reference: reference, restored: restored, options: options)
            for note in report.notes { ImageCommandSupport.note(note) }
            printTable(report)
            if let json { try writeJSON(report, options: options, to: json) }
        }
    }

    func printTable(_ report: Evaluation.Report) {
        let names = report.scores.map { Paths.fileName($0.restored) }
        let meanLabel = "mean (\(report.scores.count) image\(report.scores.count == 1 ? "" : "s"))"
        let width = max(5, meanLabel.count, names.map(\.count).max() ?? 0)
        func row(_ label: String, _ psnr: String, _ ssim: String) -> String {
            CLIText.padRight(label, width) + "  " + String(repeating: " ", count: max(0, 9 - psnr.count)) + psnr
                + "  " + String(repeating: " ", count: max(0, 8 - ssim.count)) + ssim
        }
        let channels = y ? "Y" : "RGB"
        print(row("image", "PSNR", "SSIM") + "   (\(channels), shave \(shave ?? (task == .sr ? (scale ?? 1) : 0)))")
        for (name, score) in zip(names, report.scores) {
            print(row(name, ImageCommandSupport.format(score.psnr), ImageCommandSupport.format(score.ssim)))
        }
        print(row(meanLabel, ImageCommandSupport.format(report.meanPSNR), ImageCommandSupport.format(report.meanSSIM)))
    }

    func writeJSON(_ report: Evaluation.Report, options: Evaluation.Options, to path: String) throws {
        let j = ImageCommandSupport.self
        var lines: [String] = []
        lines.append("{")
        lines.append("  \"task\": \(j.json(task.rawValue)),")
        lines.append("  \"scale\": \(options.scale),")
        lines.append("  \"channels\": \(j.json(options.channels == .y ? "y" : "rgb")),")
        lines.append("  \"shave\": \(options.border),")
        lines.append("  \"images\": [")
        let items = report.scores.map { s in
            "    {\"reference\": \(j.json(s.reference)), \"restored\": \(j.json(s.restored)), \"psnr\": \(j.json(s.psnr)), \"ssim\": \(j.json(s.ssim))}"
        }
        lines.append(items.joined(separator: ",\n"))
        lines.append("  ],")
        lines.append("  \"mean\": {\"psnr\": \(j.json(report.meanPSNR)), \"ssim\": \(j.json(report.meanSSIM)), \"count\": \(report.scores.count)},")
        lines.append("  \"notes\": [\(report.notes.map { j.json($0) }.joined(separator: ", "))]")
        lines.append("}")
        try AtomicFileWriter.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: path)
    }
}
