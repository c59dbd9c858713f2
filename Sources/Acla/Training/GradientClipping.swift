/// `torch.nn.utils.clip_grad_norm_(params, max_norm)` with the 2-norm, over ranges of a flat
/// gradient buffer: the global norm of all gradients, then every gradient scaled by
/// `min(1, max_norm / (norm + 1e-6))`. The norm is accumulated in float64.
public enum GradientClipping {
    /// The global 2-norm of `ranges` of `gradients` (NaN or infinity when a gradient is not finite).
    public static func globalNorm(_ gradients: UnsafeBufferPointer<Float>, ranges: [Range<Int>]) -> Double {
        var sum = 0.0
        for r in ranges {
            for i in r {
                let g = Double(gradients[i])
                sum += g * g
            }
        }
        return sum.squareRoot()
    }

    /// Scales the gradients in place when their norm exceeds `maxNorm`; returns the norm before clipping.
    @discardableResult
    public static func clip(_ gradients: UnsafeMutableBufferPointer<Float>, ranges: [Range<Int>], maxNorm: Double) throws -> Double {
        guard maxNorm.isFinite, maxNorm > 0 else {
            throw AclaError.invalidArgument("clip_grad_norm must be a finite number > 0, got \(maxNorm)")
        }
        let norm = globalNorm(UnsafeBufferPointer(gradients), ranges: ranges)
        let coefficient = maxNorm / (norm + 1e-6)
        guard coefficient < 1 else { return norm }
        let c = Float(coefficient)
        for r in ranges {
            for i in r { gradients[i] *= c }
        }
        return norm
    }
}
