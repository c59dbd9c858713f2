/// Every place the trainer touches the engine core: flat parameter/gradient buffers, a training
/// forward pass with its loss and backward, and inference for validation. Kept in one file so
/// the switch to the core's parameter arena and per-pass object is local.
final class NetworkTrainingAdapter {
    let network: Network
    let layout: ParameterLayout
    private let variables: [Variable]

    init(_ network: Network) {
        self.network = network
        layout = ParameterLayout(network.parameters)
        variables = network.parameters.parameters.map(\.variable)
    }

    /// What one training forward pass samples.
    struct PassSettings {
        var gumbelState: UInt64
        var keyTemperature: Double
        var layerTemperature: Double
        var layerGatesOpen: Bool
        /// The spec's soft test mode (no noise, the sigmoid as the mask) instead of hard gates.
        var soft = false
    }

    /// The parameter values in one flat vector (registry order).
    func values() -> [Float] {
        var flat = [Float](repeating: 0, count: layout.count)
        flat.withUnsafeMutableBufferPointer { dst in
            for (e, v) in zip(layout.entries, variables) {
                v.value.data.withUnsafeBufferPointer { src in
                    for i in 0..<e.count { dst[e.offset + i] = src[i] }
                }
            }
        }
        return flat
    }

    /// Writes a flat vector back into the parameters (each entry's shape is kept).
    func setValues(_ flat: [Float]) throws {
        guard flat.count == layout.count else {
            throw AclaError.internal("parameter vector has \(flat.count) values, the model \(layout.count)")
        }
        for (e, v) in zip(layout.entries, variables) {
            try v.assign(Tensor(shape: e.shape, data: Array(flat[e.range])))
        }
    }

    /// Forward in training mode on the tape, the reconstruction loss, the search cost term when
    /// `costLambda` is given, and backward. Gradients are left in the parameters; returns
    /// (reconstruction loss, total loss).
    func lossAndGradients(input: Tensor, target: Tensor, loss kind: LossKind, costLambda: Double?,
                          pass settings: PassSettings) throws -> (reconstruction: Double, total: Double) {
        network.parameters.zeroGradients()
        let context = ForwardContext(mode: settings.soft ? .soft : .training, seed: settings.gumbelState, keyTemperature: settings.keyTemperature,
                                     layerTemperature: settings.layerTemperature, layerGatesOpen: settings.layerGatesOpen)
        let prediction = try network.forward(Variable(input), context: context)
        let targetVariable = Variable(target)
        let reconstruction = kind == .l1 ? try l1Loss(prediction, targetVariable) : try mseLoss(prediction, targetVariable)
        var total = reconstruction
        if let lambda = costLambda, let search = network.attention?.search {
            let backbone = Double(try network.layout.macs(height: input.shape[2], width: input.shape[3]))
            total = try add(reconstruction, search.costPenalty(lambda: lambda, backboneMACs: backbone))
        }
        try total.backward()
        return (Double(reconstruction.value.data[0]), Double(total.value.data[0]))
    }

    /// The gradients of the last backward as one flat vector (zeros where none arrived).
    func gradients() -> [Float] {
        var flat = [Float](repeating: 0, count: layout.count)
        flat.withUnsafeMutableBufferPointer { dst in
            for (e, v) in zip(layout.entries, variables) {
                guard let g = v.grad else { continue }
                g.data.withUnsafeBufferPointer { src in
                    for i in 0..<min(e.count, src.count) { dst[e.offset + i] = src[i] }
                }
            }
        }
        return flat
    }

    func clearGradients() { network.parameters.zeroGradients() }

    /// Inference in evaluation mode (validation).
    func evaluate(_ input: Tensor) throws -> Tensor {
        try network.forward(input, context: ForwardContext(mode: .evaluation))
    }

    /// The supernet's alpha values (nil for other models).
    var alpha: [Float]? { network.attention?.search.map { Array($0.alpha.value.data) } }
}
