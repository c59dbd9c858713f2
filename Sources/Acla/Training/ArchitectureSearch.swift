/// The insert-position search of ATTENTION.md section 5 on top of TrainingRun: stage 1 trains the
/// supernet's weights with every layer gate open (`searchWarmupSteps` weight steps), stage 2
/// alternates one weight step on a training batch and one alpha step (alpha's own Adam) on a
/// validation batch while the layer-gate tau decays from 5 to 0.5 and the loss carries
/// `lambda * log(cost)`. The result, positions `{ j : alpha_j >= 0 }`, is written as a normal
/// checkpoint of the derived network (kept modules' weights re-sized), ready for training.
public enum ArchitectureSearch {
    /// The paper's search optimiser (Adam 1e-4 with a cosine schedule, for weights and alpha) over
    /// `warmup + search` weight steps, with the search settings; `base` supplies everything else.
    public static func options(base: TrainerOptions = TrainerOptions(), lambda: Double, warmupSteps: Int64,
                               searchSteps: Int64, keepSchedules: Bool = false) throws -> TrainerOptions {
        var o = base
        o.costLambda = lambda
        o.searchWarmupSteps = warmupSteps
        o.searchSteps = searchSteps
        if !keepSchedules {
            o.schedule = LearningRateSchedule(kind: .cosine(tMax: max(warmupSteps + searchSteps, 1), etaMin: 0))
            o.alphaSchedule = LearningRateSchedule(kind: .cosine(tMax: max(searchSteps, 1), etaMin: 0))
        }
        try o.validate()
        return o
    }

    /// Derives the network from the trained supernet, saves it to `derivedPath` (a plain model
    /// checkpoint) and returns it with the report (costs at `referenceSize` x `referenceSize`).
    public static func finish(trainer: Trainer, validation: ValidationSet?, derivedPath: String,
                              referenceSize: Int = 48) throws -> (Network, SearchReport) {
        guard trainer.isSearch else { throw AclaError.state("the model is not a search supernet") }
        let derived = try trainer.network.derivedNetwork()
        let report = try SearchReport.make(supernet: trainer.network, derived: derived, options: trainer.options,
                                           referenceSize: referenceSize, validation: validation)
        try derived.save(to: derivedPath)
        return (derived, report)
    }
}
