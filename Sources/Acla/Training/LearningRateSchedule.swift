import Glibc

/// The learning rate of each optimiser step, as a closed form of the step index (so a resumed
/// run needs only the step). Step `i` (0-based) uses `rate(step: i)`, which is what a torch loop
/// that calls `scheduler.step()` after every `optimizer.step()` uses for its (i+1)-th update.
public struct LearningRateSchedule: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case constant
        /// `StepLR(step_size: every, gamma: 0.5)` (EDSR/RCAN: halve every N), or
        /// `MultiStepLR(milestones, gamma: 0.5)` (EDSR-PyTorch's `--decay 200-400`).
        case halving(every: Int64?, milestones: [Int64])
        /// `StepLR(step_size, gamma)`.
        case step(size: Int64, gamma: Double)
        /// `CosineAnnealingLR(T_max, eta_min)` in its closed form for steps 0...T_max; later steps
        /// stay at eta_min (torch's formula would rise again, a restart nobody asks for here).
        case cosine(tMax: Int64, etaMin: Double)
    }

    public var kind: Kind
    /// Linear warm-up: step i < warmupSteps is scaled by (i + 1) / warmupSteps (multiplied with
    /// the main schedule, as torch's ChainedScheduler of LinearLR and the schedule).
    public var warmupSteps: Int64

    public init(kind: Kind = .constant, warmupSteps: Int64 = 0) {
        self.kind = kind
        self.warmupSteps = warmupSteps
    }

    public func validate() throws {
        func bad(_ what: String) -> AclaError { AclaError.invalidArgument("schedule: \(what)") }
        guard warmupSteps >= 0 else { throw bad("\"warmup_steps\" must be >= 0, got \(warmupSteps)") }
        switch kind {
        case .constant: break
        case .halving(let every, let milestones):
            if let every, every < 1 { throw bad("\"every\" must be >= 1, got \(every)") }
            guard (every == nil) != milestones.isEmpty else {
                throw bad("kind \"halving\" needs exactly one of \"every\" (steps) or \"milestones\" (a list of steps)")
            }
            for (i, m) in milestones.enumerated() where m < 1 || (i > 0 && milestones[i - 1] >= m) {
                throw bad("\"milestones\" must be increasing steps >= 1, got \(milestones)")
            }
        case .step(let size, let gamma):
            guard size >= 1 else { throw bad("\"step_size\" must be >= 1, got \(size)") }
            guard gamma.isFinite, gamma > 0 else { throw bad("\"gamma\" must be finite and > 0, got \(gamma)") }
        case .cosine(let tMax, let etaMin):
            guard tMax >= 1 else { throw bad("\"t_max\" must be >= 1, got \(tMax)") }
            guard etaMin.isFinite, etaMin >= 0 else { throw bad("\"eta_min\" must be finite and >= 0, got \(etaMin)") }
        }
    }

    /// The rate of step `step` (0-based) for a base rate.
    public func rate(base: Double, step: Int64) -> Double {
        let t = max(step, 0)
        var lr: Double
        switch kind {
        case .constant:
            lr = base
        case .halving(let every, let milestones):
            let passed = every.map { Int(t / $0) } ?? milestones.filter { $0 <= t }.count
            lr = base * Glibc.pow(0.5, Double(passed))
        case .step(let size, let gamma):
            lr = base * Glibc.pow(gamma, Double(t / size))
        case .cosine(let tMax, let etaMin):
            let e = Double(min(t, tMax))
            lr = etaMin + (base - etaMin) * (1 + Glibc.cos(Double.pi * e / Double(tMax))) / 2
        }
        if warmupSteps > 0, t < warmupSteps { lr *= Double(t + 1) / Double(warmupSteps) }
        return lr
    }
}
