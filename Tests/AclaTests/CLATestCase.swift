import XCTest
@testable import Acla

/// A small CLA/ACLA setup shared by the tests: L = 3 layers, modules at [1, 3] (so the module at
/// 3 reads the pre-attention maps of layers 1 and 3), C = 3, a 4 x 5 map, a batch of 2, and random
/// (non-initial) weights: offsets reach past the border, gates are partly closed.
final class CLATestCase {
    static let (channels, height, width, batch) = (3, 4, 5, 2)
    let keys: Int
    let gated: Bool
    let stack: AttentionModuleStack
    let store: ParameterStore
    var maps: [Tensor]
    let positions: [Int]

    init(kind: AttentionConfig.Kind, keys: Int, positions: [Int] = [1, 3], layers: Int = 3, seed: UInt64 = 11,
         offsetScale: Double = 3) throws {
        self.keys = keys
        self.positions = positions
        gated = kind == .acla
        let config = AttentionConfig(kind: kind, positions: .list(positions), keys: keys)
        (stack, store) = try AttentionTesting.makeStack(config, features: Self.channels, layers: layers, seed: seed)
        var rng = RandomGenerator(seed: seed &+ 100)
        try AttentionTesting.randomize(store, &rng) { name in
            if name.hasSuffix("offset.bias") { return offsetScale }
            if name.hasSuffix("offset.weight") { return 1.5 }
            if name.hasSuffix("gate.bias") { return 0.5 }
            return 0.7
        }
        let shape = [Self.batch, Self.channels, Self.height, Self.width]
        maps = (0..<layers).map { _ in AttentionTesting.randomTensor(shape, &rng) }
    }

    /// The implementation's outputs (every layer's z), the maps as leaf variables.
    func run(_ context: ForwardPass) throws -> (z: [Variable], inputs: [Variable]) {
        let inputs = maps.map { Variable($0, requiresGrad: true) }
        return (try AttentionTesting.run(stack, maps: inputs, pass: context), inputs)
    }

    /// Reference z of every layer for image b (identity where no module sits). `mask(j, q, i, beta)`.
    func reference(image b: Int, params: [Int: Reference.Params]? = nil, maps override: [[Double]]? = nil,
                   mask: (Int, Int, Int, Double) -> Double = { _, _, _, beta in beta > 0 ? 1 : 0 })
        -> (z: [[Double]], beta: [Int: [Double]], open: Int) {
        let x = override ?? maps.map { AttentionTesting.image($0, b) }
        var z = x, betas: [Int: [Double]] = [:], open = 0
        for j in positions {
            let p = params?[j] ?? AttentionTesting.params(store, position: j)
            let sources = positions.filter { $0 <= j }.map { x[$0 - 1] }
            let r = Reference.crossLayer(x: x[j - 1], sources: sources, params: p, channels: Self.channels,
                                         h: Self.height, w: Self.width, keys: keys, gated: gated) { q, i, beta in
                mask(j, q, i, beta)
            }
            z[j - 1] = r.z
            betas[j] = r.beta
            open += r.open
        }
        return (z, betas, open)
    }

    /// Number of key-gate elements module j samples per image.
    func gateCount(_ j: Int) -> Int { positions.filter { $0 <= j }.count * keys * Self.height * Self.width }

    /// The Gumbel noise g1 - g2 a training pass draws, per module, image, key and pixel, in the
    /// documented order (modules in position order; within one, memory order of [n, r*K, h, w]).
    func trainingNoise(seed: UInt64) -> [Int: [[Double]]] {
        var rng = RandomGenerator(seed: seed)
        var noise: [Int: [[Double]]] = [:]
        func gumbel(_ u: Double) -> Double { -log(-log(u + 1e-8) + 1e-8) }
        for j in positions {
            noise[j] = (0..<Self.batch).map { _ in
                (0..<gateCount(j)).map { _ in let g1 = gumbel(rng.uniform()); return g1 - gumbel(rng.uniform()) }
            }
        }
        return noise
    }
}
