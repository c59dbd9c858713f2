/// The data-folder training loop behind `acla train`, `acla search` and the C API's folder
/// trainer: batches from a PatchSampler, weight steps (and, for a search supernet in stage 2, one
/// alpha step on a validation batch after each), validation every N steps with the best model
/// kept beside the last checkpoint, JSON-lines log, progress and cancellation.
public final class TrainingRun {
    public struct Settings: Sendable {
        /// Total weight steps: a run resumed at step k runs steps k+1...steps.
        public var steps: Int64 = 1000
        public var patchSize = 48
        public var batchSize = 16
        public var augment = true
        /// Random RGB channel order per patch (off by default).
        public var colorAugment = false
        public var degradation = DegradationSettings()
        /// The training checkpoint (written every `saveEvery` steps, at the end and on cancel).
        public var checkpointPath: String
        /// The best validation model (plain model checkpoint); nil: `<checkpoint stem>.best.safetensors`.
        public var bestPath: String?
        /// Keep the best-validation model (off for the search, whose supernet is not the product).
        public var keepBest = true
        public var saveEvery: Int64 = 1000
        public var validateEvery: Int64 = 1000
        public var logPath: String?
        /// Log a line every N steps (and at every validation).
        public var logEvery: Int64 = 100
        public init(checkpointPath: String) { self.checkpointPath = checkpointPath }

        public var resolvedBestPath: String {
            if let bestPath { return bestPath }
            let p = checkpointPath
            if p.lowercased().hasSuffix(".safetensors") { return String(p.dropLast(12)) + ".best.safetensors" }
            return p + ".best.safetensors"
        }
    }

    public struct Progress: Sendable {
        public let step: Int64
        public let totalSteps: Int64
        public let loss: Double
        public let learningRate: Double
        public let stepsPerSecond: Double
        public let validationPSNR: Double?
        /// True right after a validation ran at this step.
        public let validated: Bool
    }

    public let trainer: Trainer
    public let settings: Settings
    public let sampler: PatchSampler
    /// Alpha-step batches come from the validation images (search only).
    let alphaSampler: PatchSampler?
    public let validation: ValidationSet?
    public private(set) var bestPSNR: Double = -.infinity
    public private(set) var bestStep: Int64 = 0
    public private(set) var lastValidationPSNR: Double?
    public private(set) var lastValidationSSIM: Double?

    public init(trainer: Trainer, training: TrainingImages, validationImages: TrainingImages?, settings: Settings,
                validationCrop: Int = 0) throws {
        guard settings.steps >= 0 else { throw AclaError.invalidArgument("steps must be >= 0, got \(settings.steps)") }
        guard settings.saveEvery >= 1, settings.validateEvery >= 1, settings.logEvery >= 1 else {
            throw AclaError.invalidArgument("save/validate/log intervals must be >= 1 step")
        }
        self.trainer = trainer
        self.settings = settings
        let config = trainer.network.config
        sampler = try PatchSampler(images: training, config: config, degradation: settings.degradation, patchSize: settings.patchSize,
                                   batchSize: settings.batchSize, augment: settings.augment,
                                   colorAugment: settings.colorAugment, seed: trainer.options.seed)
        if let v = validationImages {
            validation = try ValidationSet(images: v, config: config, degradation: settings.degradation, maxSide: validationCrop)
        } else {
            validation = nil
        }
        if trainer.isSearch {
            guard let v = validationImages else { throw AclaError.invalidArgument("the search needs validation images (alpha steps use them)") }
            alphaSampler = try PatchSampler(images: v, config: config, degradation: settings.degradation, patchSize: settings.patchSize,
                                            batchSize: settings.batchSize, augment: settings.augment,
                                            colorAugment: settings.colorAugment, seed: trainer.options.seed)
        } else {
            alphaSampler = nil
        }
    }

    /// What the checkpoint's "run" object records (checked on resume: a different patch, batch or
    /// data set could not continue bit-identically).
    var runState: JSONObject {
        JSONObject([("sampler_seed", .string(hex(sampler.seed))), ("next_batch", .integer(Int(trainer.step))),
                    ("next_alpha_batch", .integer(Int(trainer.alphaStep))),
                    ("patch", .integer(settings.patchSize)), ("batch", .integer(settings.batchSize)),
                    ("augment", .bool(settings.augment)), ("color_augment", .bool(settings.colorAugment)), ("images", .array(sampler.images.items.map { .string($0.name) })),
                    ("best_psnr", bestPSNR.isFinite ? .number(bestPSNR) : .null), ("best_step", .integer(Int(bestStep)))])
    }

    /// Continues from a training checkpoint written by a run with the same data settings.
    public func resume(from path: String) throws {
        let run = try trainer.resume(from: path)
        for key in ["patch", "batch", "augment", "color_augment", "images", "sampler_seed"] {
            // checkpoints from before colour augmentation existed ran without it
            if let saved = run[key] ?? (key == "color_augment" ? .bool(false) : nil), saved != runState[key] {
                throw AclaError.invalidArgument("cannot resume '\(path)' bit-identically: its \"\(key)\" was \(JSONWriter.string(saved)), this run's is \(runState[key].map(JSONWriter.string) ?? "null")")
            }
        }
        if case .number(let p)? = run["best_psnr"] { bestPSNR = p }
        if case .integer(let s)? = run["best_step"] { bestStep = Int64(s) }
    }

    /// Writes the training checkpoint (on rank 0 only when distributed: the others hold the same state).
    public func saveCheckpoint() throws {
        guard isLeader else { return }
        try trainer.save(to: settings.checkpointPath, run: runState)
    }

    /// Rank 0 of a distributed run, or a single process: the one that writes files and validates.
    public var isLeader: Bool { trainer.communicator?.isLeader ?? true }

    /// Runs steps `trainer.step + 1 ... settings.steps`. `progress` is called after every step;
    /// returning false stops the run: the checkpoint is saved, then `AclaError.cancelled` is thrown.
    /// `interrupt` (checked between layers) stops even inside a step, which then changes nothing;
    /// the checkpoint holds the last complete step (in a search, an alpha step always completes its weight step).
    /// Distributed (a communicator on the trainer): each rank draws its shard of every batch, rank 0
    /// alone logs, validates and saves; a stop (interrupt or progress) is voted with the next step
    /// and every rank stops after that step.
    public func run(interrupt: (() -> Bool)? = nil, progress: (Progress) -> Bool = { _ in true }) throws {
        let comm = trainer.communicator
        let log = isLeader ? try settings.logPath.map { try JSONLinesLog(path: $0) } : nil
        let start = monotonicSeconds(), firstStep = trainer.step
        let shard = try comm.map { try $0.shard(of: settings.batchSize) }
        // mid-step cancellation would leave the other ranks waiting in the all-reduce
        trainer.adapter.shouldCancel = comm == nil ? interrupt : nil
        defer { trainer.adapter.shouldCancel = nil }
        var stopVote = false
        while trainer.step < settings.steps {
            let result: Trainer.StepResult
            var alphaLoss: Double?
            do {
                let batch = try sampler.batch(trainer.step, samples: shard)
                let vote = comm != nil && (stopVote || interrupt?() == true)
                result = try trainer.step(input: batch.input, target: batch.target, stopRequested: vote)
                if let alphaSampler, trainer.options.searchStage(step: trainer.step - 1) == 2 {
                    // a weight step and its alpha step go together: the alpha step is not interrupted
                    trainer.adapter.shouldCancel = nil
                    defer { trainer.adapter.shouldCancel = comm == nil ? interrupt : nil }
                    let b = try alphaSampler.batch(trainer.alphaStep, purpose: .alphaPatch, samples: shard)
                    alphaLoss = try trainer.alphaStep(input: b.input, target: b.target).totalLoss
                }
            } catch let e as AclaError where e.status == .cancelled {
                try saveCheckpoint()
                throw AclaError.cancelled("training interrupted during step \(trainer.step + 1); checkpoint of step \(trainer.step) saved to '\(settings.checkpointPath)'")
            }
            let step = trainer.step
            var validated = false
            if isLeader, let validation, step % settings.validateEvery == 0 || step == settings.steps {
                let r = try validation.evaluate { try trainer.evaluate($0) }
                (lastValidationPSNR, lastValidationSSIM) = (r.meanPSNR, r.meanSSIM)
                validated = true
                if r.meanPSNR > bestPSNR {
                    (bestPSNR, bestStep) = (r.meanPSNR, step)
                    if settings.keepBest { try trainer.network.save(to: settings.resolvedBestPath) }
                }
                try log?.append(JSONObject([("step", .integer(Int(step))), ("loss", .number(result.loss)),
                                            ("lr", .number(result.learningRate)), ("val_psnr", .number(r.meanPSNR)),
                                            ("val_ssim", .number(r.meanSSIM))]))
            } else if step % settings.logEvery == 0 || step == settings.steps {
                var line = JSONObject([("step", .integer(Int(step))), ("loss", .number(result.loss)), ("lr", .number(result.learningRate)),
                                       ("grad_norm", .number(result.gradientNorm))])
                if let alphaLoss { line["alpha_loss"] = .number(alphaLoss) }
                if let alpha = trainer.adapter.alpha { line["alpha"] = .array(alpha.map { .number(Double($0)) }) }
                try log?.append(line)
            }
            if step % settings.saveEvery == 0 || step == settings.steps { try saveCheckpoint() }
            let elapsed = monotonicSeconds() - start
            let rate = elapsed > 0 ? Double(step - firstStep) / elapsed : 0
            let keepGoing = progress(Progress(step: step, totalSteps: settings.steps, loss: result.loss,
                                              learningRate: result.learningRate, stepsPerSecond: rate,
                                              validationPSNR: lastValidationPSNR, validated: validated))
            if comm != nil {
                stopVote = stopVote || !keepGoing
                if result.stopRequested {
                    try saveCheckpoint()
                    throw AclaError.cancelled("training stopped at step \(step) (a rank asked to stop); checkpoint saved to '\(settings.checkpointPath)' by rank 0")
                }
            } else if !keepGoing {
                try saveCheckpoint()
                throw AclaError.cancelled("training stopped at step \(step); checkpoint saved to '\(settings.checkpointPath)'")
            }
        }
        if trainer.step == firstStep { try saveCheckpoint() }
    }
}
