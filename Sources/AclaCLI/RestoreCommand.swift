import Acla
import ArgumentParser

/// The model of `acla restore`, `visualize` and `compare`: a checkpoint (or a JSON config, for
/// fresh weights) named with --model, and the --config override for files without one.
struct RestoreModelOptions: ParsableArguments {
    @Option(help: "Checkpoint (.safetensors), model config (.json, fresh weights from its seed) or a bundled model's name (`acla models`). Default: the bundled model of --task and --scale (`acla models`).")
    var model: String?

    @Option(help: "Without --model: the bundled model's task (sr, denoise, jpeg, demosaic).")
    var task: String = "sr"

    @Option(help: "Without --model: the bundled super-resolution model's scale (2, 3 or 4).")
    var scale: Int = 2

    @Option(help: "Config (file or inline JSON) for checkpoints without one, or to override it.")
    var config: String?

    func network() throws -> Network {
        if let model { return try ModelSource.network(model, config: config) }
        guard ["sr", "denoise", "jpeg", "demosaic"].contains(task) else {
            throw AclaError.invalidArgument("--task must be sr, denoise, jpeg or demosaic, got \"\(task)\"")
        }
        guard task != "sr" || (2...4).contains(scale) else {
            throw AclaError.invalidArgument("--scale must be 2, 3 or 4, got \(scale)")
        }
        return try BundledModels.load(BundledModels.defaultName(task: task, scale: scale))
    }
}

/// Tiling and ensemble options shared by `restore` and `compare`.
struct RestoreTilingOptions: ParsableArguments {
    @Option(help: "Tile side in input pixels (0 = whole image at once).")
    var tile: Int = RestoreOptions.defaultTile

    @Option(help: "Pixels neighbouring tiles share (each output pixel has at least half of it as context).")
    var overlap: Int = RestoreOptions.defaultOverlap

    @Flag(help: "Self-ensemble: average the 8 flips/transpositions (8x slower).")
    var ensemble = false

    var options: RestoreOptions { RestoreOptions(tile: tile, overlap: overlap, ensemble: ensemble) }
}

/// `acla restore --model M IN OUT`: restores an image, or every PNG/JPEG of a folder, with the
/// model's task (docs/RESTORE.md).
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore an image or a folder of images with a model (tiled, optional self-ensemble).",
        discussion: """
        IN and OUT are files, or folders: every PNG/JPEG of IN is restored to OUT/<stem>.png; a file that fails is reported and the others go on (exit status 1 if any failed). A single output's format follows OUT's extension (.png, .jpg, .jpeg).

        A progress bar (tiles, files, elapsed, ETA) goes to stderr when it is a terminal; --quiet prints only errors. Ctrl-C stops between tiles and leaves no half-written output file (exit status 130).
        """
    )

    @OptionGroup var source: RestoreModelOptions
    @OptionGroup var tiling: RestoreTilingOptions
    @OptionGroup var comparison: RestoreComparisonOptions
    @OptionGroup var runtime: RuntimeOptions
    @Flag(help: "Print only errors.") var quiet = false
    @Option(help: "JPEG quality of .jpg/.jpeg outputs (1..100).") var quality = 95
    @Option(name: .customLong("max-pixels"), help: "Refuse images with more pixels (default 100000000).") var maxPixels: Int?
    @Argument(help: "Input image or folder.") var input: String
    @Argument(help: "Output image or folder.") var output: String

    func validate() throws {
        do { try tiling.options.validate() } catch let e as AclaError { throw ValidationError(e.message) }
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be 1...100, got \(quality)") }
    }

    /// One input and where its result goes.
    struct Job {
        let input: String
        let output: String
    }

    func jobs() throws -> [Job] {
        guard let inputIsFolder = Paths.isDirectory(input) else { throw AclaError.io("\(input) does not exist") }
        if !inputIsFolder {
            if ImageCommandSupport.isDirectory(output) {
                return [Job(input: input, output: Paths.join(output, Paths.stem(input) + ".png"))]
            }
            _ = try ImageFile.format(forPath: output)   // before any work: an unknown extension fails now
            try OutputPath.requireWritable(output)
            return [Job(input: input, output: output)]
        }
        if Paths.isDirectory(output) == false {
            throw AclaError.invalidArgument("\(input) is a folder, so the output \(output) must be a folder too")
        }
        try ImageCommandSupport.createFolder(output)
        guard !ImageCommandSupport.sameFolder(input, output) else {
            throw AclaError.invalidArgument("the output folder is the input folder: the restored images would replace the originals")
        }
        let names = try Paths.list(input).filter { ImageFile.isImageName($0) }
        guard !names.isEmpty else { throw AclaError.invalidArgument("no PNG or JPEG images in \(input)") }
        // a.png and a.jpg would both become a.png: such names keep their extension (a.jpg.png)
        let stems = Dictionary(grouping: names, by: { Paths.stem($0) })
        return names.map { name in
            let base = stems[Paths.stem(name)]?.count == 1 ? Paths.stem(name) : name
            return Job(input: Paths.join(input, name), output: Paths.join(output, base + ".png"))
        }
    }

    func run() throws {
        try cliGuard(runtime) {
            try ImageCommandSupport.applyPixelLimit(maxPixels)
            let network = try source.network()
            let restorer = Restorer(network: network)
            let options = tiling.options
            let jobs = try jobs()
            if comparison.isActive, Paths.isDirectory(input) == true {
                throw AclaError.invalidArgument("--degrade-first and --reference take one image, not the folder \(input)")
            }
            // the bar's total: every file's passes, from its header (unreadable files count 0)
            let passes = jobs.map { job -> Int in
                guard let info = try? ImageFile.info(job.input, keepAlpha: true),
                      let plan = try? restorer.plan(channels: info.channels, height: info.height, width: info.width, options: options)
                else { return 0 }
                return plan.passes
            }
            let bar = RestoreProgressBar(quiet: quiet, totalPasses: passes.reduce(0, +), files: jobs.count)
            RestoreInterrupt.install()
            var failures = 0
            for (index, job) in jobs.enumerated() {
                if RestoreInterrupt.requested { break }
                do {
                    try restoreOne(job, index: index, restorer: restorer, options: options, bar: bar)
                } catch let error as AclaError where error.status == .cancelled && RestoreInterrupt.requested {
                    break
                } catch let error as AclaError {
                    bar.clear()
                    failures += 1
                    CLIExit.printError("\(Paths.fileName(job.input)): \(error.message)")
                }
                bar.finish(passes: passes[index])
            }
            bar.clear()
            if RestoreInterrupt.requested {
                CLIText.writeStandardError("acla: interrupted: the image being restored was not written\n")
                throw ExitCode(130)
            }
            if failures > 0 {
                if jobs.count > 1 { CLIText.writeStandardError("acla: \(failures) of \(jobs.count) images failed\n") }
                throw ExitCode(1)
            }
        }
    }

    func restoreOne(_ job: Job, index: Int, restorer: Restorer, options: RestoreOptions, bar: RestoreProgressBar) throws {
        let name = Paths.fileName(job.input)
        let started = ContinuousClock.now
        let progress: RestoreProgressHandler = { p in
            bar.update(file: index, name: name, p)
            return RestoreInterrupt.requested ? .cancel : .proceed
        }
        let plan: Restorer.Plan
        var messages: [String]
        var channels: Int
        if comparison.isActive {
            // --degrade-first / --reference measure gray or RGB images: alpha is dropped (noted)
            let (original, info) = try ImageFile.read(job.input)
            let image = try comparison.input(original, config: restorer.network.config)
            let (restored, notes) = try restorer.restore(image, options: options, progress: progress,
                                                         shouldCancel: { RestoreInterrupt.requested })
            try ImageFile.write(restored, to: job.output, quality: quality)
            try comparison.report(restored: restored, input: image, original: original, config: restorer.network.config)
            plan = try restorer.plan(channels: image.channels, height: image.height, width: image.width, options: options)
            (messages, channels) = (info.notes.messages + notes.messages, restored.channels)
        } else {
            // alpha is kept: restore upscales (SR) or copies it, and a PNG output keeps it
            let decoded = try ImageFile.readPixels(job.input, keepAlpha: true)
            let restored: [UInt8]
            (restored, plan) = try restorer.restore(pixels: decoded.pixels, channels: decoded.channels, height: decoded.height,
                                                    width: decoded.width, options: options, progress: progress,
                                                    shouldCancel: { RestoreInterrupt.requested })
            var pixels = restored
            (messages, channels) = (decoded.info.notes.messages + plan.notes.messages, plan.outputChannels)
            if plan.layout.hasAlpha, try ImageFile.format(forPath: job.output) == .jpeg {
                (pixels, channels) = (AlphaChannel.dropped(pixels, channels: channels), channels - 1)
                messages.append("JPEG has no alpha channel: the restored alpha was not written (use a .png output to keep it)")
            }
            try ImageFile.write(pixels: pixels, width: plan.outputWidth, height: plan.outputHeight, channels: channels,
                                to: job.output, quality: quality)
        }
        guard !quiet else { return }
        bar.clear()
        for message in messages { ImageCommandSupport.note("\(name): \(message)") }
        let seconds = RestoreProgressBar.seconds(ContinuousClock.now - started)
        print("wrote \(job.output) (\(plan.outputWidth)x\(plan.outputHeight)x\(channels), \(plan.grid.count) tile\(plan.grid.count == 1 ? "" : "s"), \(CLIText.format("%.1f", seconds)) s)")
    }
}
