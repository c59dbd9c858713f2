import Acla
import ArgumentParser

/// The data and optimiser options `acla train` and `acla search` share.
struct TrainDataArguments: ParsableArguments {
    @Option(help: "Folder (or one image) of high-quality PNG/JPEG training images.") var data: String
    @Option(help: "Folder of validation images (PSNR/SSIM every --val-every steps; the best model is kept).") var val: String?
    @Option(name: .customLong("val-holdout"), help: "Use the last N images of --data (by name) for validation instead of training.")
    var valHoldout: Int?
    @Option(help: "Input (LR) patch side in pixels.") var patch = 48
    @Option(help: "Patches per batch.") var batch = 16
    @Flag(name: .customLong("no-augment"), help: "No dihedral (flip/transpose) augmentation.") var noAugment = false
    @Flag(name: .customLong("color-augment"), help: "Random RGB channel order per patch (colour images; demosaic, denoise).")
    var colorAugment = false
    @Option(help: "denoise: noise sigma (0..255 scale); with --sigma-max a range sampled per patch.") var sigma: Double?
    @Option(name: .customLong("sigma-max"), help: "denoise: upper end of the sigma range.") var sigmaMax: Double?
    @Option(name: .customLong("noise-convention"), help: "denoise: float (unrounded) or uint8 (rounded, clipped).")
    var noiseConvention: ConventionOption = .float
    @Option(help: "jpeg: quality 1..100; with --quality-max a range sampled per patch.") var quality: Int?
    @Option(name: .customLong("quality-max"), help: "jpeg: upper end of the quality range.") var qualityMax: Int?
    @Option(help: "sr: boundary rule of the bicubic downscale (symmetric, as MATLAB and DIV2K).") var boundary: BoundaryOption = .symmetric
    @Option(name: .customLong("data-memory"), help: "Refuse data sets needing more than this many MiB in memory.") var dataMemory = 4096
    @Option(name: .customLong("val-crop"), help: "Centre-crop validation targets to at most N x N pixels (0: whole images).") var valCrop = 0
    @Option(help: "Seed of the patch sampler and the Gumbel noise.") var seed: UInt64?

    @Option(help: "Trainer options JSON (file or inline): optimizer, loss, clip_grad_norm, schedule, ... (docs/TRAINING.md).")
    var options: String?
    @Option(help: "Base learning rate (Adam).") var lr: Double?
    @Option(help: "l1 or mse.") var loss: LossOption?
    @Option(help: "Clip gradients to this global 2-norm.") var clip: Double?
    @Option(help: "constant | halving:EVERY | halving:M1,M2,.. | step:SIZE:GAMMA | cosine[:T_MAX[:ETA_MIN]] (T_MAX defaults to the run's steps).")
    var schedule: String?
    @Option(help: "Linear learning-rate warm-up over the first N steps.") var warmup: Int64?

    var degradation: DegradationSettings {
        get throws {
            var d = DegradationSettings()
            d.resizeBoundary = boundary.rule
            d.noiseConvention = noiseConvention == .float ? .float : .uint8
            if let sigma {
                let hi = sigmaMax ?? sigma
                guard hi >= sigma else { throw AclaError.invalidArgument("--sigma-max \(hi) is below --sigma \(sigma)") }
                d.noiseSigma = sigma...hi
            } else if sigmaMax != nil { throw AclaError.invalidArgument("--sigma-max needs --sigma") }
            if let quality {
                let hi = qualityMax ?? quality
                guard hi >= quality else { throw AclaError.invalidArgument("--quality-max \(hi) is below --quality \(quality)") }
                d.jpegQuality = quality...hi
            } else if qualityMax != nil { throw AclaError.invalidArgument("--quality-max needs --quality") }
            try d.validate()
            return d
        }
    }

    /// --options, then every flag given on top of it.
    func trainerOptions(steps: Int64) throws -> TrainerOptions {
        var o = try options.map { try TrainerOptions.parse(ModelSource.configText($0)) } ?? TrainerOptions()
        if let lr { o.optimizer.learningRate = lr }
        if let loss { o.loss = loss == .l1 ? .l1 : .mse }
        if let clip { o.clipGradNorm = clip }
        if let seed { o.seed = seed }
        if let schedule { o.schedule.kind = try Self.parseSchedule(schedule, steps: steps) }
        if let warmup { o.schedule.warmupSteps = warmup }
        try o.schedule.validate()
        try o.validate()
        return o
    }

    static func parseSchedule(_ text: String, steps: Int64) throws -> LearningRateSchedule.Kind {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func bad() -> AclaError {
            AclaError.invalidArgument("--schedule must be constant, halving:EVERY, halving:M1,M2,..., step:SIZE:GAMMA or cosine[:T_MAX[:ETA_MIN]], got \"\(text)\"")
        }
        switch (parts[0], parts.count) {
        case ("constant", 1): return .constant
        case ("halving", 2):
            let items = parts[1].split(separator: ",").map { Int64($0) }
            guard !items.isEmpty, !items.contains(nil) else { throw bad() }
            return items.count == 1 && !parts[1].contains(where: { $0 == "," }) ? .halving(every: items[0]!, milestones: [])
                : .halving(every: nil, milestones: items.map { $0! })
        case ("step", 3):
            guard let size = Int64(parts[1]), let gamma = Double(parts[2]) else { throw bad() }
            return .step(size: size, gamma: gamma)
        case ("cosine", 1...3):
            let tMax = parts.count > 1 ? Int64(parts[1]) : max(steps, 1)
            let etaMin = parts.count > 2 ? Double(parts[2]) : 0
            guard let tMax, let etaMin else { throw bad() }
            return .cosine(tMax: tMax, etaMin: etaMin)
        default: throw bad()
        }
    }

    /// The run request of these data options for a checkpoint path and step count (intervals
    /// and logging are the command's).
    func request(checkpoint: String, steps: Int64) throws -> TrainingRunRequest {
        guard dataMemory >= 1, dataMemory <= (1 << 40) else { throw AclaError.invalidArgument("--data-memory must be within 1...\(1 << 40) MiB") }
        var s = TrainingRun.Settings(checkpointPath: checkpoint)
        s.steps = steps
        s.patchSize = patch
        s.batchSize = batch
        s.augment = !noAugment
        s.colorAugment = colorAugment
        s.degradation = try degradation
        var r = TrainingRunRequest(data: data, settings: s)
        r.val = val
        r.valHoldout = valHoldout
        r.valCrop = valCrop
        r.dataMemoryBytes = dataMemory << 20
        return r
    }
}

enum LossOption: String, ExpressibleByArgument, CaseIterable { case l1, mse }
