/// Every place the trainer touches the engine core: the parameter arena (flat values and
/// gradients, trainable ranges per group), a training forward pass with its loss and backward,
/// and inference for validation. One workspace is kept across steps, so activations and
/// gradients of a step reuse the previous step's buffers.
final class NetworkTrainingAdapter {
    let network: Network
    let arena: ParameterArena
    let workspace = Workspace()
    /// Checked between the layers of every training forward pass: true stops the step (nothing
    /// changes) with `AclaError.cancelled`, so an interrupt need not wait for a long step.
    var shouldCancel: (() -> Bool)?

    init(_ network: Network) throws {
        guard let arena = network.parameters.arena else {
            throw AclaError.internal("the model's parameters are not in an arena (the network was not completed)")
        }
        self.network = network
        self.arena = arena
    }

    var entries: [ParameterArena.Entry] { arena.entries }

    /// Ranges of the trainable entries of `groups`, in arena order, adjacent ranges merged.
    func trainableRanges(_ groups: Set<ParameterArena.ParameterGroup>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for e in arena.entries where e.trainable && groups.contains(e.group) && e.count > 0 {
            if let last = out.last, last.upperBound == e.offset {
                out[out.count - 1] = last.lowerBound..<e.range.upperBound
            } else {
                out.append(e.range)
            }
        }
        return out
    }

    /// What one training forward pass samples.
    struct PassSettings {
        var gumbelState: UInt64
        var keyTemperature: Double
        var layerTemperature: Double
        var layerGatesOpen: Bool
        /// Start states of the per-sample key-gate noise streams (one per sample of the batch);
        /// nil draws it from `gumbelState` too.
        var sampleNoiseStates: [UInt64]? = nil
        /// The spec's soft test mode (no noise, the sigmoid as the mask) instead of hard gates.
        var soft = false
    }

    /// A copy of every parameter value (registry order).
    func values() -> [Float] { arena.readValues { Array($0) } }

    /// Overwrites every parameter value.
    func setValues(_ flat: [Float]) throws {
        guard flat.count == arena.count else {
            throw AclaError.internal("parameter vector has \(flat.count) values, the model \(arena.count)")
        }
        arena.withValues { dst in flat.withUnsafeBufferPointer { src in
            if let d = dst.baseAddress, let s = src.baseAddress { d.update(from: s, count: flat.count) }
        } }
    }

    /// A copy of every gradient (registry order; zeros where none arrived).
    func gradients() -> [Float] { arena.withGradients { Array($0) } }

    /// Forward in training mode on the tape, the reconstruction loss, the search cost term when
    /// `costLambda` is given, and backward: the gradients are in the arena afterwards. Returns
    /// (reconstruction loss, total loss) and the pass.
    @discardableResult
    func lossAndGradients(input: Tensor, target: Tensor, loss kind: LossKind, costLambda: Double?,
                          pass settings: PassSettings,
                          combineCost: ((Double) throws -> Double)? = nil) throws -> (reconstruction: Double, total: Double) {
        arena.zeroGradients()
        let pass = ForwardPass(mode: settings.soft ? .soft : .training, keyTemperature: settings.keyTemperature,
                               layerTemperature: settings.layerTemperature, layerGatesOpen: settings.layerGatesOpen)
        pass.rng = RandomGenerator(state: settings.gumbelState)
        pass.sampleNoise = settings.sampleNoiseStates?.map { RandomGenerator(state: $0) }
        pass.workspace = workspace
        pass.shouldCancel = shouldCancel
        return try Workspace.using(workspace) {
            let prediction = try network.forward(Variable(input), pass: pass)
            let targetVariable = Variable(target)
            let reconstruction = kind == .l1 ? try l1Loss(prediction, targetVariable) : try mseLoss(prediction, targetVariable)
            var total = reconstruction
            if let lambda = costLambda, let search = network.attention?.search {
                let backbone = Double(try network.layout.macs(height: input.shape[2], width: input.shape[3]))
                total = try add(reconstruction, search.costPenalty(lambda: lambda, backboneMACs: backbone, pass: pass, combine: combineCost))
            }
            try total.backward()
            return (Double(reconstruction.value.data[0]), Double(total.value.data[0]))
        }
    }

    func clearGradients() { arena.zeroGradients() }

    /// Inference in evaluation mode (validation); `pass` receives the statistics.
    func evaluate(_ input: Tensor, pass: ForwardPass = ForwardPass()) throws -> Tensor {
        pass.workspace = workspace
        return try network.forward(input, pass: pass)
    }

    /// The supernet's alpha values (nil for other models).
    var alpha: [Float]? { network.attention?.search.map { Array($0.alpha.value.data) } }
}
