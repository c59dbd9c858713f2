/// Everything a data-folder run needs besides the trainer: the `run_json` of `acla_trainer_run`,
/// and what `acla train` / `acla search` build from their flags. Keys (all but "data",
/// "steps" and "checkpoint" optional):
///
///     {"data": DIR, "val": DIR, "val_holdout": N, "val_crop": 0, "data_memory_mb": 4096,
///      "steps": N, "checkpoint": PATH, "best": PATH, "keep_best": true, "resume": PATH,
///      "patch": 48, "batch": 16, "augment": true, "color_augment": false,
///      "boundary": "symmetric" | "replicate",
///      "sigma": 25 | [lo, hi], "noise_convention": "float" | "uint8", "quality": 10 | [lo, hi],
///      "save_every": 1000, "val_every": 1000, "log_every": 100, "log": PATH}
public struct TrainingRunRequest: Sendable {
    public var data: String
    public var val: String?
    /// The last N images of `data` (by name) validate instead of training.
    public var valHoldout: Int?
    public var valCrop = 0
    public var dataMemoryBytes = TrainingImages.defaultMemoryLimit
    public var resume: String?
    public var settings: TrainingRun.Settings

    public init(data: String, settings: TrainingRun.Settings) {
        self.data = data
        self.settings = settings
    }

    static let knownKeys = ["data", "val", "val_holdout", "val_crop", "data_memory_mb", "steps", "checkpoint", "best", "keep_best",
                            "resume", "patch", "batch", "augment", "color_augment", "boundary", "sigma", "noise_convention", "quality",
                            "save_every", "val_every", "log_every", "log"]

    public static func parse(_ json: String) throws -> TrainingRunRequest {
        let r = try OptionsReader(JSONParser.parse(json), what: "run options", known: knownKeys)
        func required(_ key: String) throws -> String {
            guard let s = try r.string(key), !s.isEmpty else { throw AclaError.invalidArgument("run options: \"\(key)\" (a path) is required") }
            return s
        }
        let big: ClosedRange<Int64> = 1...(Int64(1) << 53)
        var s = TrainingRun.Settings(checkpointPath: try required("checkpoint"))
        guard let steps = try r.integer("steps", 0...(Int64(1) << 53)) else {
            throw AclaError.invalidArgument("run options: \"steps\" (the total number of weight steps) is required")
        }
        s.steps = steps
        s.bestPath = try r.string("best")
        s.keepBest = try r.bool("keep_best") ?? true
        s.patchSize = Int(try r.integer("patch", 1...4096) ?? 48)
        s.batchSize = Int(try r.integer("batch", 1...4096) ?? 16)
        s.augment = try r.bool("augment") ?? true
        s.colorAugment = try r.bool("color_augment") ?? false
        s.saveEvery = try r.integer("save_every", big) ?? 1000
        s.validateEvery = try r.integer("val_every", big) ?? 1000
        s.logEvery = try r.integer("log_every", big) ?? 100
        s.logPath = try r.string("log")
        var d = DegradationSettings()
        d.resizeBoundary = try r.enumeration("boundary", ResizeBoundary.self) ?? .symmetric
        d.noiseConvention = try r.enumeration("noise_convention", NoiseConvention.self) ?? .float
        if let range = try numberRange(r, "sigma") { d.noiseSigma = range }
        if let range = try numberRange(r, "quality") {
            guard range.lowerBound == range.lowerBound.rounded(), range.upperBound == range.upperBound.rounded(),
                  range.lowerBound >= 1, range.upperBound <= 100 else {
                throw AclaError.invalidArgument("run options: \"quality\" must be an integer or a range of integers within 1...100")
            }
            d.jpegQuality = Int(range.lowerBound)...Int(range.upperBound)
        }
        try d.validate()
        s.degradation = d
        var request = TrainingRunRequest(data: try required("data"), settings: s)
        request.val = try r.string("val")
        request.valHoldout = try r.integer("val_holdout", 1...Int64(Int32.max)).map { Int($0) }
        request.valCrop = Int(try r.integer("val_crop", 0...65536) ?? 0)
        if let mb = try r.integer("data_memory_mb", 1...(Int64(1) << 40)) { request.dataMemoryBytes = Int(mb) << 20 }
        request.resume = try r.string("resume")
        return request
    }

    /// A number or a [lo, hi] pair.
    private static func numberRange(_ r: OptionsReader, _ key: String) throws -> ClosedRange<Double>? {
        guard let v = r.object[key], v != .null else { return nil }
        if let single = try? r.number(key) {
            guard single.isFinite, single >= 0 else { throw AclaError.invalidArgument("run options: \"\(key)\" must be >= 0, got \(single)") }
            return single...single
        }
        guard let pair = try r.numbers(key, count: 2) else { return nil }
        guard pair[0].isFinite, pair[1].isFinite, pair[0] >= 0, pair[1] >= pair[0] else {
            throw AclaError.invalidArgument("run options: \"\(key)\" must be [lo, hi] with 0 <= lo <= hi, got \(pair)")
        }
        return pair[0]...pair[1]
    }

    /// Training and validation images for `config` (the holdout split is by name order); notes
    /// say what the loader skipped or converted.
    public func loadImages(config: ModelConfig) throws -> (train: TrainingImages, val: TrainingImages?, notes: [String]) {
        var paths = try TrainingImages.imagePaths(data)
        var valPaths = try val.map { try TrainingImages.imagePaths($0) }
        if let n = valHoldout {
            guard val == nil else { throw AclaError.invalidArgument("\"val\" and \"val_holdout\" exclude each other") }
            guard n >= 1, n < paths.count else {
                throw AclaError.invalidArgument("val_holdout must be within 1...\(paths.count - 1) (the folder holds \(paths.count) images), got \(n)")
            }
            valPaths = Array(paths.suffix(n))
            paths.removeLast(n)
        }
        let d = settings.degradation, p = settings.patchSize
        let train = try TrainingImages.load(paths: paths, config: config, degradation: d, minInputSide: p, memoryLimitBytes: dataMemoryBytes)
        let v = try valPaths.map {
            try TrainingImages.load(paths: $0, config: config, degradation: d, minInputSide: p, memoryLimitBytes: dataMemoryBytes)
        }
        return (train, v, train.notes + (v?.notes.map { "validation: " + $0 } ?? []))
    }

    /// The run for `trainer`, resumed when `resume` is set.
    public func makeRun(trainer: Trainer) throws -> (TrainingRun, notes: [String]) {
        let (train, val, notes) = try loadImages(config: trainer.network.config)
        let run = try TrainingRun(trainer: trainer, training: train, validationImages: val, settings: settings, validationCrop: valCrop)
        if let resume { try run.resume(from: resume) }
        return (run, notes)
    }
}

