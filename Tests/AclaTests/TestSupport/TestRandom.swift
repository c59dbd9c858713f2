import Acla
import Foundation

/// Random inputs for numerical tests. Every test draws fresh values from its own stream; the
/// streams are fixed by default (reproducible CI) and can be varied with ACLA_TEST_SEED=<n> or
/// ACLA_TEST_SEED=random (the seed in use is printed in every failure message).
enum TestSeed {
    static let base: UInt64 = {
        let env = ProcessInfo.processInfo.environment["ACLA_TEST_SEED"]
        if env == "random" { return UInt64.random(in: 1...UInt64.max) }
        return env.flatMap(UInt64.init) ?? 0x5EED_AC1A
    }()

    /// A generator for one test; `salt` keeps the streams of different tests apart.
    static func generator(_ salt: UInt64) -> RandomGenerator {
        RandomGenerator(seed: base ^ (salt &* 0x9E37_79B9_7F4A_7C15))
    }

    static var note: String { "(ACLA_TEST_SEED=\(base))" }
}

extension RandomGenerator {
    /// Uniform values in [low, high).
    mutating func tensor(_ shape: [Int], _ low: Double = -1, _ high: Double = 1) -> Tensor {
        let count = shape.reduce(1, *)
        return try! Tensor(shape: shape, data: (0..<count).map { _ in Float(uniform(low, high)) })
    }

    /// Uniform values with magnitude in [minMagnitude, maxMagnitude] and a random sign: inputs
    /// kept away from a kink at zero (ReLU, |x|).
    mutating func tensorAwayFromZero(_ shape: [Int], _ minMagnitude: Double, _ maxMagnitude: Double) -> Tensor {
        let count = shape.reduce(1, *)
        return try! Tensor(shape: shape, data: (0..<count).map { _ in
            let m = uniform(minMagnitude, maxMagnitude)
            return Float(uniform() < 0.5 ? -m : m)
        })
    }

    /// A random integer in lo...hi.
    mutating func int(_ lo: Int, _ hi: Int) -> Int { lo + Int(next() % UInt64(hi - lo + 1)) }
}
