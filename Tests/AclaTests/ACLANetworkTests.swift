import Foundation
import XCTest
@testable import Acla

/// Attention wired into the backbones: the paper's 16-block EDSR with ACLA at [2, 7, 9, 13, 15].
final class ACLANetworkTests: XCTestCase {
    private func config(_ attention: AttentionConfig, blocks: Int = 16, backbone: ModelConfig.Backbone = .edsr) -> ModelConfig {
        ModelConfig(backbone: backbone, task: .sr, scale: 2, blocks: backbone == .edsr ? blocks : 2, groups: 3,
                    features: 8, reduction: 4, attention: attention, seed: 7)
    }

    private func input(_ rng: inout RandomGenerator, h: Int = 5, w: Int = 6) -> Tensor {
        var t = Tensor(zeros: [1, 3, h, w])
        for i in 0..<t.count { t.data[i] = Float(rng.uniform(0, 255)) }
        return t
    }

    /// With the default initialisation (zero `out`) the network computes the plain backbone exactly,
    /// whose weights adding attention leaves unchanged.
    func testDefaultInitialisationEqualsThePlainBackbone() throws {
        var rng = RandomGenerator(seed: 1)
        let x = input(&rng)
        for backbone in [ModelConfig.Backbone.edsr, .rcan] {
            let plain = try Network(config: config(.none, backbone: backbone))
            let positions = backbone == .edsr ? [2, 7, 9, 13, 15] : [1, 3]
            for kind in [AttentionConfig.Kind.acla, .cla, .nl, .clnl] {
                let net = try Network(config: config(AttentionConfig(kind: kind, positions: .list(positions)), backbone: backbone))
                for name in plain.parameters.names {
                    XCTAssertEqual(net.parameters[name]!.value, plain.parameters[name]!.value, name)
                }
                XCTAssertEqual(try net.forward(x), try plain.forward(x), "\(backbone) + \(kind)")
            }
        }
    }

    /// Trained (random) attention weights survive a save/load round trip bit for bit.
    func testSaveLoadRoundTripGivesIdenticalOutput() throws {
        let net = try Network(config: config(AttentionConfig(kind: .acla, positions: .list([2, 7, 9, 13, 15]))))
        var rng = RandomGenerator(seed: 2)
        try AttentionTesting.randomize(net.parameters, &rng) { name in
            name.hasSuffix("offset.bias") ? 2 : (name.hasSuffix("gate.bias") ? 0.5 : 0.05)
        }
        let x = input(&rng)
        let before = try net.forward(x)
        let plain = try Network(config: config(.none)).forward(x)
        XCTAssertGreaterThan(before.maxAbsDifference(plain), 1e-3, "the random attention changes the output")
        let fraction = (net.attention?.statistics ?? []).map(\.openKeyFraction)
        XCTAssert(fraction.allSatisfy { $0 > 0 && $0 < 1 }, "\(fraction)")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("acla-attention-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try net.save(to: path)
        let loaded = try Network.load(path: path)
        XCTAssertEqual(loaded.config.json, net.config.json)
        XCTAssertEqual(try loaded.forward(x), before)
    }

    /// The supernet at evaluation equals its derived network, and the dense MAC bound counts every
    /// module of the supernet.
    func testSupernetEqualsItsDerivedNetwork() throws {
        let net = try Network(config: config(AttentionConfig(kind: .acla, positions: .all, keys: 4), blocks: 4))
        var rng = RandomGenerator(seed: 3)
        try AttentionTesting.randomize(net.parameters, &rng) { name in
            name.hasSuffix("offset.bias") ? 2 : (name.hasSuffix("gate.bias") ? 0.5 : 0.05)
        }
        try net.parameters["search.alpha"]!.assign(Tensor(shape: [4], data: [0.5, -1, 2, -0.2]))
        XCTAssertEqual(net.parameters.names.last, "search.alpha")
        let x = input(&rng)
        let derived = try net.derivedNetwork()
        XCTAssertEqual(derived.config.attention.positions, .list([1, 3]))
        XCTAssertLessThan(try derived.forward(x).maxAbsDifference(try net.forward(x)), 1e-3)
        let none = try net.derivedNetwork(positions: [])
        XCTAssertEqual(none.config.attention, .none)
        XCTAssertThrowsError(try derived.derivedNetwork())
    }
}
