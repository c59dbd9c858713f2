/// The reconstruction loss, as torch's `L1Loss` / `MSELoss` with `reduction='mean'` over every
/// element (pixel values 0..255, as EDSR trains).
public enum LossKind: String, CaseIterable, Sendable {
    case l1, mse
}

/// Everything a trainer needs besides the model (the `options_json` of `acla_trainer_create`).
public struct TrainerOptions: Equatable, Sendable {
    public var optimizer = AdamSettings()
    public var schedule = LearningRateSchedule()
    public var loss: LossKind = .l1
    /// `clip_grad_norm_` max norm; nil: no clipping.
    public var clipGradNorm: Double?
    /// Seed of the Gumbel-noise streams (and of the CLI's patch sampler).
    public var seed: UInt64 = 0
    /// tau of the ACLA key gates in training.
    public var keyTemperature: Double = 1

    // The insert-position search (ATTENTION.md section 5), for supernet models only.
    /// lambda of `lambda * log(cost / 1e9)`.
    public var costLambda: Double = 0
    /// DARTS' alternative for alpha is AdamSettings(learningRate: 3e-4, beta1: 0.5, weightDecay: 1e-3).
    public var alphaOptimizer = AdamSettings()
    public var alphaSchedule = LearningRateSchedule()
    /// Stage 1 length: weight steps 0..<searchWarmupSteps run with every layer gate open.
    public var searchWarmupSteps: Int64 = 0
    /// Stage 2 length (weight steps) over which the layer-gate tau decays from start to end.
    public var searchSteps: Int64 = 1
    public var layerTemperatureStart: Double = 5
    public var layerTemperatureEnd: Double = 0.5

    public init() {}

    public func validate() throws {
        try optimizer.validate("trainer options: \"optimizer\"")
        try alphaOptimizer.validate("trainer options: \"alpha_optimizer\"")
        try schedule.validate()
        try alphaSchedule.validate()
        if let c = clipGradNorm, !(c.isFinite && c > 0) {
            throw AclaError.invalidArgument("trainer options: \"clip_grad_norm\" must be null or a finite number > 0, got \(c)")
        }
        guard keyTemperature.isFinite, keyTemperature > 0 else {
            throw AclaError.invalidArgument("trainer options: \"key_temperature\" must be finite and > 0, got \(keyTemperature)")
        }
        guard costLambda.isFinite, costLambda >= 0 else {
            throw AclaError.invalidArgument("trainer options: \"cost_lambda\" must be finite and >= 0, got \(costLambda)")
        }
        for (k, t) in [("start", layerTemperatureStart), ("end", layerTemperatureEnd)] where !(t.isFinite && t > 0) {
            throw AclaError.invalidArgument("trainer options: \"layer_temperature.\(k)\" must be finite and > 0, got \(t)")
        }
        guard searchWarmupSteps >= 0, searchSteps >= 1 else {
            throw AclaError.invalidArgument("trainer options: \"search.warmup_steps\" must be >= 0 and \"search.search_steps\" >= 1, got \(searchWarmupSteps) and \(searchSteps)")
        }
        guard seed <= UInt64(Int64.max) else { throw AclaError.invalidArgument("trainer options: \"seed\" must be <= \(Int64.max)") }
    }

    /// Search stage of weight step `step` (0-based): 1 while every layer gate is open, else 2.
    public func searchStage(step: Int64) -> Int { step < searchWarmupSteps ? 1 : 2 }

    /// Layer-gate tau at weight step `step`: `start` through stage 1, then exponential decay to
    /// `end` over `searchSteps` steps of stage 2 (and `end` after).
    public func layerTemperature(step: Int64) -> Double {
        let progress = min(max(Double(step - searchWarmupSteps) / Double(searchSteps), 0), 1)
        return layerTemperatureStart * Glibc.pow(layerTemperatureEnd / layerTemperatureStart, progress)
    }
}

import Glibc
