import Glibc

/// A small seeded generator (SplitMix64) for parameter initialisation, noise and Gumbel gates:
/// the same seed gives the same numbers on every machine.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    /// The generator's whole position: saving it and building a generator from it later (e.g. in a
    /// checkpoint) continues the same stream.
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    /// Standard normal (Box-Muller; the second value is discarded to keep the stream simple).
    public mutating func normal() -> Double {
        var u1 = uniform()
        while u1 <= 0 { u1 = uniform() }
        return (-2 * Glibc.log(u1)).squareRoot() * Glibc.cos(2 * Double.pi * uniform())
    }
}
