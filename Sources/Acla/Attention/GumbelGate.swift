import AclaKernels
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
        var m = try Tensor(uninitialized: logits.shape, what: "gate mask")
        m.data.withUnsafeMutableBufferPointer { mp in
            logits.value.data.withUnsafeBufferPointer {
                ak_gumbel_gate($0.baseAddress, nil, $0.count, 1, 1, mp.baseAddress, nil, Threads.count)
            }
        }
        return Variable(m)
    case .soft:
        return try gumbelGate(logits, noise: nil, hard: false, temperature: temperature)
    case .training:
        // The uniforms are drawn in order here; their logs (the cost) run in parallel in C,
        // giving the same bits as `gumbelNoise`.
        let count = logits.value.count
        var uniforms = [Double](repeating: 0, count: 2 * count)
        for i in 0..<uniforms.count { uniforms[i] = rng.uniform() }
        var noise = [Float](repeating: 0, count: count)
        uniforms.withUnsafeBufferPointer { up in
            noise.withUnsafeMutableBufferPointer { ak_gumbel_noise(up.baseAddress, count, $0.baseAddress, Threads.count) }
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
    // Each sample's uniforms in its own stream's order (U1 then U2 per element); the logs run in
    // parallel in C with the same bits as `gumbelNoise`.
    var uniforms = [Double](repeating: 0, count: 2 * count)
    for b in 0..<n {
        for j in (2 * b * per)..<(2 * (b + 1) * per) { uniforms[j] = streams[b].uniform() }
    }
    var noise = [Float](repeating: 0, count: count)
    uniforms.withUnsafeBufferPointer { up in
        noise.withUnsafeMutableBufferPointer { ak_gumbel_noise(up.baseAddress, count, $0.baseAddress, Threads.count) }
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
    var m = try Tensor(uninitialized: logits.shape, what: "gate mask")
    m.data.withUnsafeMutableBufferPointer { mp in
        logits.value.data.withUnsafeBufferPointer { lp in
            u.withUnsafeMutableBufferPointer { up in
                withOptionalBuffer(noise) { np in
                    ak_gumbel_gate(lp.baseAddress, np, count, temperature, hard ? 1 : 0, mp.baseAddress, up.baseAddress, Threads.count)
                }
            }
        }
    }
    return Variable.result(m, parents: [logits]) { dm in
        var d = try Tensor(uninitialized: logits.shape, what: "gate gradient")
        d.data.withUnsafeMutableBufferPointer { dp in
            dm.data.withUnsafeBufferPointer { gp in
                u.withUnsafeBufferPointer { ak_gumbel_gate_backward(gp.baseAddress, $0.baseAddress, count, temperature, dp.baseAddress, Threads.count) }
            }
        }
        return [d]
    }
}
