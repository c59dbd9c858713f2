/// One model's training state: Adam for the weights (and, on a search supernet, a second Adam
/// for `search.alpha`), the schedules, and the step counters that, with the options' seed, fix
/// every random number a step draws (RandomStreams), so a checkpoint resumes bit-identically.
///
/// A weight step: training forward (Gumbel noise of stream (seed, weights, step)), the
/// reconstruction loss (+ lambda log(cost) in search stage 2), backward, non-finite check,
/// optional clipping, Adam on every trainable backbone/attention parameter (alpha frozen).
/// An alpha step (search stage 2): the same on a validation batch, Adam on alpha only.
/// A step that fails leaves the parameters, the optimiser and the counters unchanged.
public final class Trainer {
    public let network: Network
    public internal(set) var options: TrainerOptions
    /// Completed weight steps (the schedule's and the sampler's position).
    public internal(set) var step: Int64 = 0
    /// Completed alpha steps.
    public internal(set) var alphaStep: Int64 = 0

    let adapter: NetworkTrainingAdapter
    let weights: Adam
    let alphaOptimizer: Adam?
    /// Data-parallel training (nil: this process alone). Every rank must make the same calls.
    public var communicator: Communicator?

    public struct StepResult: Sendable {
        /// The reconstruction loss (L1 or MSE, mean over every element).
        public let loss: Double
        /// The loss that was differentiated (with the search cost term when it applies).
        public let totalLoss: Double
        public let learningRate: Double
        /// Global gradient 2-norm before clipping, over the parameters this step updates.
        public let gradientNorm: Double
        /// Samples of the whole batch (over every rank).
        public var globalBatch: Int = 0
        /// Some rank voted to stop after this step (always false without a communicator).
        public var stopRequested = false
    }

    public init(network: Network, options: TrainerOptions) throws {
        try Self.check(options, for: network)
        let isSupernet = network.attention?.search != nil
        self.network = network
        self.options = options
        adapter = try NetworkTrainingAdapter(network)
        weights = try Adam(settings: options.optimizer, ranges: adapter.trainableRanges([.backbone, .attention]))
        alphaOptimizer = isSupernet ? try Adam(settings: options.alphaOptimizer, ranges: adapter.trainableRanges([.search])) : nil
    }

    public var isSearch: Bool { alphaOptimizer != nil }

    /// Options valid in themselves and for this model.
    static func check(_ options: TrainerOptions, for network: Network) throws {
        try options.validate()
        if options.costLambda > 0, network.attention?.search == nil {
            throw AclaError.invalidArgument("trainer options: \"cost_lambda\" applies to a search supernet (attention positions \"all\") only, got \(options.costLambda) for a model without one")
        }
    }

    /// The learning rate the next weight step uses.
    public var learningRate: Double { options.schedule.rate(base: options.optimizer.learningRate, step: step) }

    /// Sets the schedule's base rate (the schedule keeps applying on top of it).
    public func setLearningRate(_ lr: Double) throws {
        var o = options
        o.optimizer.learningRate = lr
        try o.optimizer.validate("learning rate")
        options = o
        weights.settings = o.optimizer
    }

    /// Sets the key-gate tau (ACLA) and, for a supernet, fixes the layer-gate tau of both ends
    /// of the decay (a constant temperature).
    public func setTemperatures(key: Double, layer: Double?) throws {
        var o = options
        o.keyTemperature = key
        if let layer { (o.layerTemperatureStart, o.layerTemperatureEnd) = (layer, layer) }
        try o.validate()
        options = o
    }

    /// One weight step on a batch (NCHW input, target of the model's output shape, 0..255). With
    /// a communicator the batch is this rank's shard of the global batch (shards in rank order)
    /// and `stopRequested` is this rank's vote to stop after the step (`StepResult.stopRequested`
    /// is then true on every rank when any voted).
    @discardableResult
    public func step(input: Tensor, target: Tensor, stopRequested: Bool = false) throws -> StepResult {
        try checkBatch(input: input, target: target)
        let shard = try exchangeShard(samples: input.shape[0], stop: stopRequested, what: "weight step \(step + 1)")
        let stage = isSearch ? options.searchStage(step: step) : 2
        var settings = NetworkTrainingAdapter.PassSettings(
            gumbelState: RandomStreams.state(seed: options.seed, .gumbelWeights, UInt64(bitPattern: step)),
            keyTemperature: options.keyTemperature, layerTemperature: options.layerTemperature(step: step),
            layerGatesOpen: stage == 1)
        settings.sampleNoiseStates = shard.samples.map {
            RandomStreams.state(seed: options.seed, .gumbelSample, UInt64(bitPattern: step), UInt64($0))
        }
        let lambda = isSearch && stage == 2 && options.costLambda > 0 ? options.costLambda : nil
        let lr = learningRate
        let result = try update(weights, input: input, target: target, lambda: lambda, settings: settings, learningRate: lr,
                                shard: shard, what: "weight step \(step + 1)")
        step += 1
        return result
    }

    /// One step of `search.alpha` only (search stage 2), on a validation batch (a shard of it
    /// with a communicator, as in `step`).
    @discardableResult
    public func alphaStep(input: Tensor, target: Tensor) throws -> StepResult {
        guard let alphaOptimizer else {
            throw AclaError.state("alpha steps need a search supernet (attention positions \"all\"); this model has none")
        }
        guard options.searchStage(step: step) == 2 else {
            throw AclaError.state("alpha steps belong to search stage 2: \(step) weight steps done, stage 1 lasts \(options.searchWarmupSteps)")
        }
        try checkBatch(input: input, target: target)
        let shard = try exchangeShard(samples: input.shape[0], stop: false, what: "alpha step \(alphaStep + 1)")
        var settings = NetworkTrainingAdapter.PassSettings(
            gumbelState: RandomStreams.state(seed: options.seed, .gumbelAlpha, UInt64(bitPattern: alphaStep)),
            keyTemperature: options.keyTemperature, layerTemperature: options.layerTemperature(step: step), layerGatesOpen: false)
        settings.sampleNoiseStates = shard.samples.map {
            RandomStreams.state(seed: options.seed, .alphaGumbelSample, UInt64(bitPattern: alphaStep), UInt64($0))
        }
        let lr = options.alphaSchedule.rate(base: options.alphaOptimizer.learningRate, step: alphaStep)
        let result = try update(alphaOptimizer, input: input, target: target, lambda: options.costLambda > 0 ? options.costLambda : nil,
                                settings: settings, learningRate: lr, shard: shard, what: "alpha step \(alphaStep + 1)")
        alphaStep += 1
        return result
    }

    private func update(_ optimizer: Adam, input: Tensor, target: Tensor, lambda: Double?,
                        settings: NetworkTrainingAdapter.PassSettings, learningRate: Double, shard: Shard,
                        what: String) throws -> StepResult {
        defer { adapter.clearGradients() }
        var (reconstruction, total) = try adapter.lossAndGradients(input: input, target: target, loss: options.loss,
                                                                   costLambda: lambda, pass: settings,
                                                                   combineCost: costAcrossRanks(shard: shard, what: what))
        // distributed: every rank reaches the reductions (a local non-finite loss travels in the
        // sums), so all ranks take the same decision below
        if communicator != nil { (reconstruction, total) = try averageAcrossRanks(optimizer, reconstruction, total, shard: shard, what: what) }
        guard reconstruction.isFinite, total.isFinite else {
            throw AclaError.state("\(what): the loss is not finite (\(total)); parameters unchanged (lower the learning rate or set clip_grad_norm)")
        }
        let arena = adapter.arena
        let norm = try arena.withGradients { g -> Double in
            let norm = GradientClipping.globalNorm(UnsafeBufferPointer(g), ranges: optimizer.ranges)
            guard norm.isFinite else {
                throw AclaError.state("\(what): the gradients are not finite; parameters unchanged (lower the learning rate or set clip_grad_norm)")
            }
            if let maxNorm = options.clipGradNorm { try GradientClipping.clip(g, ranges: optimizer.ranges, maxNorm: maxNorm) }
            return norm
        }
        // in place: Adam checks everything before it writes, so a throw here changes nothing
        try arena.withValues { v in
            try arena.withGradients { g in try optimizer.update(values: v, gradients: UnsafeBufferPointer(g), learningRate: learningRate) }
        }
        return StepResult(loss: reconstruction, totalLoss: total, learningRate: learningRate, gradientNorm: norm,
                          globalBatch: shard.globalBatch, stopRequested: shard.stopRequested)
    }

    private func checkBatch(input: Tensor, target: Tensor) throws {
        try network.validateInput(shape: input.shape)
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3])
        let out = try network.outputSize(height: h, width: w)
        let want = [n, out.channels, out.height, out.width]
        guard target.shape == want else {
            throw AclaError.shape("target must have the model's output shape \(want) for input \(input.shape), got \(target.shape)")
        }
        for (t, name) in [(input, "input"), (target, "target")] {
            let bad = t.data.withUnsafeBufferPointer { p in p.firstIndex { !$0.isFinite } }
            if let bad { throw AclaError.invalidArgument("\(name) value \(bad) is not finite (\(t.data[bad]))") }
        }
    }

    /// Evaluation-mode inference with the current weights.
    public func evaluate(_ input: Tensor) throws -> Tensor { try adapter.evaluate(input) }
}
