import Glibc

/// Settings of `torch.optim.Adam` (amsgrad off, maximize off).
public struct AdamSettings: Equatable, Sendable {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var eps: Double
    /// L2 penalty added to the gradient (`grad += weight_decay * param`), as torch's Adam (not AdamW).
    public var weightDecay: Double

    public init(learningRate: Double = 1e-4, beta1: Double = 0.9, beta2: Double = 0.999,
                eps: Double = 1e-8, weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
    }

    /// Ranges as torch checks them (0 <= beta < 1, eps >= 0, lr >= 0), plus finiteness.
    public func validate(_ what: String = "optimizer") throws {
        func bad(_ key: String, _ v: Double, _ rule: String) -> AclaError {
            AclaError.invalidArgument("\(what): \"\(key)\" must be \(rule), got \(v)")
        }
        guard learningRate.isFinite, learningRate >= 0 else { throw bad("lr", learningRate, "finite and >= 0") }
        guard beta1.isFinite, beta1 >= 0, beta1 < 1 else { throw bad("betas[0]", beta1, "in [0, 1)") }
        guard beta2.isFinite, beta2 >= 0, beta2 < 1 else { throw bad("betas[1]", beta2, "in [0, 1)") }
        guard eps.isFinite, eps >= 0 else { throw bad("eps", eps, "finite and >= 0") }
        guard weightDecay.isFinite, weightDecay >= 0 else { throw bad("weight_decay", weightDecay, "finite and >= 0") }
    }
}

/// Adam over flat float buffers, with `torch.optim.Adam`'s single-tensor arithmetic in float32:
///
///     g = grad + wd * p;  t += 1
///     m = m + (1 - b1) * (g - m)                 (exp_avg.lerp_)
///     v = v * b2 + (1 - b2) * g * g              (exp_avg_sq.mul_.addcmul_)
///     denom = sqrt(v) / sqrt(1 - b2^t) + eps     (eps after the square root)
///     p = p + (-lr / (1 - b1^t)) * m / denom
///
/// The optimiser owns the moments of a fixed list of ranges of the parameter buffer (the
/// trainable entries of a group); the state is compact, in range order.
public final class Adam {
    public var settings: AdamSettings
    public let ranges: [Range<Int>]
    /// Completed steps (torch's `state['step']`, the same for every parameter here).
    public internal(set) var step: Int64 = 0
    public internal(set) var expAvg: [Float]
    public internal(set) var expAvgSq: [Float]

    public init(settings: AdamSettings, ranges: [Range<Int>]) throws {
        try settings.validate()
        self.settings = settings
        self.ranges = ranges
        let count = ranges.reduce(0) { $0 + $1.count }
        expAvg = [Float](repeating: 0, count: count)
        expAvgSq = expAvg
    }

    /// Floats of state per moment.
    public var stateCount: Int { expAvg.count }

    /// The largest index a range touches plus one: the buffers passed to `update` must be at least this long.
    public var requiredLength: Int { ranges.map(\.upperBound).max() ?? 0 }

    /// One step at `learningRate` (the schedule's value for this step). Buffers are the whole
    /// parameter and gradient arenas; only `ranges` are read and written.
    public func update(values: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
                       learningRate: Double) throws {
        guard values.count >= requiredLength, gradients.count >= requiredLength else {
            throw AclaError.internal("Adam needs buffers of \(requiredLength) floats, got \(values.count) and \(gradients.count)")
        }
        guard learningRate.isFinite, learningRate >= 0 else {
            throw AclaError.invalidArgument("learning rate must be finite and >= 0, got \(learningRate)")
        }
        step += 1
        let t = Double(step)
        let b2 = Float(settings.beta2)
        let oneMinusB1 = Float(1 - settings.beta1), oneMinusB2 = Float(1 - settings.beta2)
        let wd = Float(settings.weightDecay), eps = Float(settings.eps)
        let biasCorrection1 = 1 - Glibc.pow(settings.beta1, t)
        let biasCorrection2Sqrt = Float((1 - Glibc.pow(settings.beta2, t)).squareRoot())
        let stepSize = Float(learningRate / biasCorrection1)
        var s = 0
        expAvg.withUnsafeMutableBufferPointer { m in
            expAvgSq.withUnsafeMutableBufferPointer { v in
                for r in ranges {
                    for i in r {
                        var g = gradients[i]
                        if wd != 0 { g += wd * values[i] }
                        m[s] += oneMinusB1 * (g - m[s])
                        v[s] = v[s] * b2 + oneMinusB2 * g * g   // addcmul: (value * t1) * t2
                        let denom = v[s].squareRoot() / biasCorrection2Sqrt + eps
                        values[i] += -stepSize * m[s] / denom  // addcdiv: (value * t1) / t2
                        s += 1
                    }
                }
            }
        }
    }

    /// Restores a saved state (checkpoint resume); sizes must match this optimiser's ranges.
    public func restore(step: Int64, expAvg: [Float], expAvgSq: [Float]) throws {
        guard step >= 0 else { throw AclaError.format("optimizer step must be >= 0, got \(step)") }
        guard expAvg.count == stateCount, expAvgSq.count == stateCount else {
            throw AclaError.format("optimizer state holds \(expAvg.count) and \(expAvgSq.count) values, the model's trainable parameters need \(stateCount)")
        }
        self.step = step
        self.expAvg = expAvg
        self.expAvgSq = expAvgSq
    }
}
