import XCTest
@testable import Acla

/// Small models and images for the restore tests (random init; trained models come later).
enum RestoreTestModels {
    static func network(_ json: String) throws -> Network {
        try Network(config: ModelConfig.parse(json))
    }

    /// Every parameter drawn fresh from uniform(-scale, scale) (the attention modules too, so
    /// none is an identity): a model whose every pixel depends on its whole receptive field.
    static func randomise(_ net: Network, seed: UInt64, scale: Double = 0.2) throws {
        var rng = TestSeed.generator(seed)
        for (_, v) in net.parameters.parameters {
            try v.assign(v.value.map { _ in Float(rng.uniform(-scale, scale)) })
        }
    }

    /// CLA/ACLA with keys sampled far from the query: random offset weights (offsets of several
    /// pixels, varying per pixel), random logits, and a non-zero output projection.
    static func spreadAttention(_ net: Network, seed: UInt64, offsetScale: Double) throws {
        var rng = TestSeed.generator(seed)
        for (name, v) in net.parameters.parameters where name.hasPrefix("attention.") {
            let s: Double
            if name.hasSuffix(".offset.weight") { s = offsetScale }
            else if name.hasSuffix(".logits.weight") || name.hasSuffix(".out.weight") { s = 0.1 }
            else { continue }
            try v.assign(v.value.map { _ in Float(rng.uniform(-s, s)) })
        }
    }

    static func randomPixels(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = TestSeed.generator(seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next() >> 56) }
    }

    static func photoCrop() throws -> Image8 {
        try ImageFile.read(ImagingTestData.fixture("restore_chelsea_crop.png")).image
    }

    static func maxDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        zip(a, b).reduce(0) { max($0, abs(Int($1.0) - Int($1.1))) }
    }
}
