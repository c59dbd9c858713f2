import Acla

// The trainer (include/acla.h, section "Training"): Adam steps on caller batches, the search's
// alpha steps, checkpoints that resume bit-identically.

@_cdecl("acla_trainer_create")
public func acla_trainer_create(_ model: OpaquePointer?, _ optionsJSON: UnsafePointer<CChar>?,
                                _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    boundary {
        let box = try modelBox(model)
        let out = try requireNonNull(out, "out")
        let options = try optionsJSON.map { try TrainerOptions.parse(string($0, "options_json")) } ?? TrainerOptions()
        out.pointee = try TrainerBox(model: box, trainer: try Trainer(network: box.network, options: options)).retainedHandle()
    }
}

@_cdecl("acla_trainer_destroy")
public func acla_trainer_destroy(_ trainer: OpaquePointer?) {
    // NULL, an already destroyed and a garbage handle are ignored (the function has no status)
    trainers.remove(trainer)
}

private func step(_ trainer: OpaquePointer?, _ input: UnsafePointer<Float>?, _ n: Int32, _ c: Int32, _ h: Int32, _ w: Int32,
                  _ target: UnsafePointer<Float>?, _ targetLength: UInt, _ loss: UnsafeMutablePointer<Double>?, alpha: Bool) -> Int32 {
    boundary {
        let box = try trainerBox(trainer)
        let loss = try requireNonNull(loss, "loss")
        let (x, y) = try trainingBatch(box.trainer.network, input, n, c, h, w, target, targetLength)
        let result = alpha ? try box.trainer.alphaStep(input: x, target: y) : try box.trainer.step(input: x, target: y)
        loss.pointee = alpha ? result.totalLoss : result.loss
    }
}

@_cdecl("acla_trainer_step")
public func acla_trainer_step(_ trainer: OpaquePointer?, _ input: UnsafePointer<Float>?, _ n: Int32, _ c: Int32, _ h: Int32,
                              _ w: Int32, _ target: UnsafePointer<Float>?, _ targetLength: UInt,
                              _ loss: UnsafeMutablePointer<Double>?) -> Int32 {
    step(trainer, input, n, c, h, w, target, targetLength, loss, alpha: false)
}

@_cdecl("acla_trainer_alpha_step")
public func acla_trainer_alpha_step(_ trainer: OpaquePointer?, _ input: UnsafePointer<Float>?, _ n: Int32, _ c: Int32, _ h: Int32,
                                    _ w: Int32, _ target: UnsafePointer<Float>?, _ targetLength: UInt,
                                    _ loss: UnsafeMutablePointer<Double>?) -> Int32 {
    step(trainer, input, n, c, h, w, target, targetLength, loss, alpha: true)
}

@_cdecl("acla_trainer_save")
public func acla_trainer_save(_ trainer: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    boundary { try trainerBox(trainer).trainer.save(to: string(path, "path")) }
}

@_cdecl("acla_trainer_resume")
public func acla_trainer_resume(_ trainer: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    boundary { try trainerBox(trainer).trainer.resume(from: string(path, "path")) }
}

@_cdecl("acla_trainer_set_learning_rate")
public func acla_trainer_set_learning_rate(_ trainer: OpaquePointer?, _ lr: Double) -> Int32 {
    boundary { try trainerBox(trainer).trainer.setLearningRate(lr) }
}

@_cdecl("acla_trainer_get_learning_rate")
public func acla_trainer_get_learning_rate(_ trainer: OpaquePointer?, _ lr: UnsafeMutablePointer<Double>?) -> Int32 {
    boundary {
        let box = try trainerBox(trainer)
        try requireNonNull(lr, "lr").pointee = box.trainer.learningRate
    }
}

@_cdecl("acla_trainer_get_step")
public func acla_trainer_get_step(_ trainer: OpaquePointer?, _ step: UnsafeMutablePointer<Int64>?) -> Int32 {
    boundary {
        let box = try trainerBox(trainer)
        try requireNonNull(step, "step").pointee = box.trainer.step
    }
}

@_cdecl("acla_trainer_get_alpha_step")
public func acla_trainer_get_alpha_step(_ trainer: OpaquePointer?, _ step: UnsafeMutablePointer<Int64>?) -> Int32 {
    boundary {
        let box = try trainerBox(trainer)
        try requireNonNull(step, "step").pointee = box.trainer.alphaStep
    }
}

@_cdecl("acla_trainer_set_gate_temperature")
public func acla_trainer_set_gate_temperature(_ trainer: OpaquePointer?, _ keyTemperature: Double,
                                              _ layerTemperature: Double) -> Int32 {
    boundary {
        let box = try trainerBox(trainer)
        guard layerTemperature.isNaN || (layerTemperature.isFinite && layerTemperature > 0) else {
            throw AclaError.invalidArgument("layer_temperature must be finite and > 0 (or NaN to keep the schedule), got \(layerTemperature)")
        }
        try box.trainer.setTemperatures(key: keyTemperature, layer: layerTemperature.isNaN ? nil : layerTemperature)
    }
}

@_cdecl("acla_trainer_options")
public func acla_trainer_options(_ trainer: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ cap: UInt,
                                 _ needed: UnsafeMutablePointer<UInt>?) -> Int32 {
    boundary { try copyString(trainerBox(trainer).trainer.options.json, to: buf, capacity: cap, needed: needed, what: "trainer options") }
}

@_cdecl("acla_trainer_run")
public func acla_trainer_run(_ trainer: OpaquePointer?, _ runJSON: UnsafePointer<CChar>?, _ progress: acla_progress_callback?,
                             _ user: UnsafeMutableRawPointer?) -> Int32 {
    boundary {
        let box = try trainerBox(trainer)
        let request = try TrainingRunRequest.parse(string(runJSON, "run_json"))
        let (run, _) = try request.makeRun(trainer: box.trainer)
        defer { if let v = run.lastValidationPSNR { box.lastValidation = (v, run.lastValidationSSIM ?? .nan) } }
        try run.run(progress: { p in
            guard let progress else { return true }
            return progress(user, p.step, p.totalSteps) == 0
        })
    }
}

@_cdecl("acla_trainer_validation")
public func acla_trainer_validation(_ trainer: OpaquePointer?, _ psnr: UnsafeMutablePointer<Double>?,
                                    _ ssim: UnsafeMutablePointer<Double>?) -> Int32 {
    boundary {
        let box = try trainerBox(trainer)
        let (p, s) = (try requireNonNull(psnr, "psnr"), try requireNonNull(ssim, "ssim"))
        guard let v = box.lastValidation else {
            throw AclaError.state("no validation has run: acla_trainer_run validates when its run options name \"val\" or \"val_holdout\"")
        }
        p.pointee = v.psnr
        s.pointee = v.ssim
    }
}

/// `acla_progress_fn` as Swift sees it.
public typealias acla_progress_callback = @convention(c) (UnsafeMutableRawPointer?, Int64, Int64) -> Int32
