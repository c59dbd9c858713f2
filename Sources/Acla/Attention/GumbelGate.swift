import Glibc

/// The binary Gumbel gate of ATTENTION.md sections 4-5, element-wise on logits (the sampled
/// gate values beta, or the architecture parameters alpha):
/// - evaluation: `m = 1[logit > 0]`, no noise, no gradient;
/// - training: `u = sigmoid((logit + g1 - g2) / tau)`, forward `m = 1[u > 0.5]` (computed as
///   `logit + g1 - g2 > 0`, the same condition without rounding), backward `dm/dlogit := du/dlogit`;
/// - soft: no noise, `m = u`.
/// Noise `g = -log(-log(U + 1e-8) + 1e-8)`: for each element in memory order, U1 then U2 are
/// drawn from `rng`, so a seed reproduces a training run.
func gumbelGate(_ logits: Variable, mode: ForwardPass.Mode, temperature: Double,
                rng: inout RandomGenerator) throws -> Variable {
    switch mode {
    case .evaluation:
        return Variable(try logits.value.map { $0 > 0 ? 1 : 0 })
    case .soft:
        return try gumbelGate(logits, noise: nil, hard: false, temperature: temperature)
    case .training:
        var noise = [Float](repeating: 0, count: logits.value.count)
        for i in 0..<noise.count {
            let g1 = gumbelNoise(rng.uniform()), g2 = gumbelNoise(rng.uniform())
            noise[i] = Float(g1 - g2)
        }
        return try gumbelGate(logits, noise: noise, hard: true, temperature: temperature)
    }
}

/// The key gates of a batch (logits [n, ...]): with `pass.sampleNoise` set (the trainer), the
/// noise of sample b comes from that sample's own stream, so it does not depend on which other
/// samples share the batch (a data-parallel shard draws what the whole batch would); otherwise
/// from `pass.rng`, as above.
func gumbelGate(_ logits: Variable, mode: ForwardPass.Mode, temperature: Double, pass: ForwardPass) throws -> Variable {
    let n = logits.shape.first ?? 0
    guard mode == .training, var streams = pass.sampleNoise else {
        return try gumbelGate(logits, mode: mode, temperature: temperature, rng: &pass.rng)
    }
    let count = logits.value.count
    guard streams.count == n, n > 0, count % n == 0 else {
        throw AclaError.internal("per-sample gumbel noise has \(streams.count) streams for a batch of \(n) (gate logits \(logits.shape))")
    }
    let per = count / n
    var noise = [Float](repeating: 0, count: count)
    for b in 0..<n {
        for i in (b * per)..<((b + 1) * per) {
            let g1 = gumbelNoise(streams[b].uniform()), g2 = gumbelNoise(streams[b].uniform())
            noise[i] = Float(g1 - g2)
        }
    }
    pass.sampleNoise = streams
    return try gumbelGate(logits, noise: noise, hard: true, temperature: temperature)
}

func gumbelNoise(_ u: Double) -> Double { -Glibc.log(-Glibc.log(u + 1e-8) + 1e-8) }

/// The gate with explicit noise (nil = none): hard (straight-through) or soft. Both have the same
/// backward, `du/dlogit = u (1 - u) / tau`, which is what makes straight-through testable.
func gumbelGate(_ logits: Variable, noise: [Float]?, hard: Bool, temperature: Double) throws -> Variable {
    guard temperature > 0, temperature.isFinite else {
        throw AclaError.invalidArgument("gate temperature must be positive and finite, got \(temperature)")
    }
    let count = logits.value.count
    if let noise, noise.count != count {
        throw AclaError.internal("gumbel noise has \(noise.count) values for \(count) logits")
    }
    var u = [Double](repeating: 0, count: count)
    var m = try Tensor(checkedZeros: logits.shape)
    for i in 0..<count {
        let x = Double(logits.value.data[i]) + Double(noise?[i] ?? 0)
        u[i] = 1 / (1 + Glibc.exp(-x / temperature))
        m.data[i] = hard ? (x > 0 ? 1 : 0) : Float(u[i])
    }
    return Variable.result(m, parents: [logits]) { dm in
        var d = try Tensor(checkedZeros: logits.shape)
        for i in 0..<count { d.data[i] = Float(Double(dm.data[i]) * u[i] * (1 - u[i]) / temperature) }
        return [d]
    }
}
