/// Counter-based random streams: the generator for "patch b of step t" or "Gumbel noise of step t"
/// is a pure function of the run's seed and those counters, so batches and noise do not depend
/// on the thread count or on what ran before, and a resumed run needs only its step counters.
public enum RandomStreams {
    /// What a stream is for (keeps the streams of one seed apart).
    public enum Purpose: UInt64, Sendable {
        case patch = 1
        case gumbelWeights = 2
        case gumbelAlpha = 3
        case alphaPatch = 4
        case validationNoise = 5
        /// Key-gate noise of sample b (global index in the batch) of weight step t / alpha step t.
        case gumbelSample = 6
        case alphaGumbelSample = 7
    }

    /// SplitMix64's finaliser: a bijective mix of 64 bits.
    @inlinable static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The starting state of the stream (seed, purpose, a, b).
    public static func state(seed: UInt64, _ purpose: Purpose, _ a: UInt64, _ b: UInt64 = 0) -> UInt64 {
        var h = mix(seed &+ 0x9E37_79B9_7F4A_7C15)
        h = mix(h ^ (purpose.rawValue &* 0xD6E8_FEB8_6659_FD93))
        h = mix(h ^ (a &* 0xA076_1D64_78BD_642F))
        return mix(h ^ (b &* 0xE703_7ED1_A0B4_28DB))
    }

    public static func generator(seed: UInt64, _ purpose: Purpose, _ a: UInt64, _ b: UInt64 = 0) -> RandomGenerator {
        RandomGenerator(state: state(seed: seed, purpose, a, b))
    }
}

extension RandomGenerator {
    /// Uniform integer in 0..<n (n >= 1), by rejection so every value is equally likely.
    public mutating func index(below n: Int) -> Int {
        guard n > 1 else { return 0 }
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let r = next()
            if r < limit { return Int(r % bound) }
        }
    }
}
