import Foundation
import XCTest
@testable import Acla

/// The gradient a training step differentiates, for a whole small network (EDSR x2 with ACLA in
/// the spec's soft mode, 2 blocks), against central finite differences of a float64 rendering of
/// the network and the MSE loss written here from CONVENTIONS.md and ATTENTION.md.
final class TrainingGradientTests: XCTestCase {
    static let config = try! ModelConfig.parse("""
        {"backbone": "edsr", "scale": 2, "blocks": 2, "features": 4, "res_scale": 0.5,
         "attention": {"kind": "acla", "positions": [1, 2], "keys": 2}, "seed": 3}
        """)
    static let keyTau = 0.8

    /// float64 forward of one image with parameters `p` (name -> values), ACLA soft mask sigmoid(beta / tau).
    func reference(_ p: [String: (shape: [Int], values: [Double])], _ input: RefMap) -> RefMap {
        let cfg = Self.config
        let m = ModelReference(params: p)
        var x = m.conv("sub_mean", input)
        x = m.conv("head.0", x)
        let head = x
        var r = head
        var bank: [Int: [Double]] = [:]
        for i in 0..<cfg.blocks {
            let t = m.conv("body.\(i).body.2", m.relu(m.conv("body.\(i).body.0", r)))
            r = m.add(m.scaled(t, cfg.resScale), r)
            let j = i + 1
            bank[j] = r.v
            var params: Reference.Params = [:]
            for (name, v) in p where name.hasPrefix("attention.\(j).") { params[String(name.dropFirst("attention.\(j).".count))] = v.values }
            let sources = (1...j).map { bank[$0]! }
            let z = Reference.crossLayer(x: r.v, sources: sources, params: params, channels: r.c, h: r.h, w: r.w,
                                         keys: cfg.attention.keys, gated: true,
                                         mask: { _, _, beta in Reference.sigmoid(beta / Self.keyTau) })
            r.v = z.z
        }
        r = m.add(m.conv("body.\(cfg.blocks)", r), head)
        r = m.shuffle(m.conv("tail.0.0", r), 2)
        return m.conv("add_mean", m.conv("tail.1", r))
    }

    func testWholeNetworkGradientMatchesFiniteDifferences() throws {
        var rng = TestSeed.generator(301)
        let network = try Network(config: Self.config)
        // random attention weights (the default init zeroes `out`, which hides most gradients)
        try AttentionTesting.randomize(network.parameters, &rng) { name in
            name.hasSuffix("offset.bias") ? 1.5 : (name.hasSuffix("gate.bias") ? 0.5 : 0.4)
        }
        let (n, h, w) = (2, 4, 5)
        let input = AttentionTesting.randomTensor([n, 3, h, w], &rng, scale: 1)
        var inputScaled = input
        for i in 0..<inputScaled.count { inputScaled.data[i] = 127 + 100 * input.data[i] }
        let target = AttentionTesting.randomTensor([n, 3, 2 * h, 2 * w], &rng, scale: 100)
        var options = TrainerOptions()
        options.loss = .mse
        options.keyTemperature = Self.keyTau
        let trainer = try Trainer(network: network, options: options)
        let settings = NetworkTrainingAdapter.PassSettings(gumbelState: 0, keyTemperature: Self.keyTau, layerTemperature: 1,
                                                           layerGatesOpen: false, soft: true)
        let (loss, _) = try trainer.adapter.lossAndGradients(input: inputScaled, target: target, loss: .mse, costLambda: nil, pass: settings)
        let gradients = trainer.adapter.gradients()
        let entries = trainer.adapter.entries

        var params: [String: (shape: [Int], values: [Double])] = [:]
        for (name, v) in network.parameters.parameters { params[name] = (v.shape, v.value.data.map(Double.init)) }
        func referenceLoss(_ p: [String: (shape: [Int], values: [Double])]) -> Double {
            var sum = 0.0
            for b in 0..<n {
                var x = RefMap(c: 3, h: h, w: w)
                x.v = AttentionTesting.image(inputScaled, b)
                let y = reference(p, x)
                let t = AttentionTesting.image(target, b)
                for i in 0..<y.v.count { sum += (y.v[i] - t[i]) * (y.v[i] - t[i]) }
            }
            return sum / Double(target.count)
        }
        XCTAssertEqual(loss, referenceLoss(params), accuracy: 1e-4 * referenceLoss(params), "forward loss")
        // a few entries of every trainable tensor
        var checked = 0, worst = 0.0, worstName = ""
        for e in entries where e.trainable {
            for k in Set((0..<3).map { _ in rng.index(below: e.count) }) {
                let v = params[e.name]!.values[k]
                let eps = 1e-4 * max(1, abs(v))
                var up = params, down = params
                up[e.name]!.values[k] = v + eps
                down[e.name]!.values[k] = v - eps
                let fd = (referenceLoss(up) - referenceLoss(down)) / (2 * eps)
                let got = Double(gradients[e.offset + k])
                let err = abs(got - fd) / max(abs(fd), 1e-2 * max(1, abs(loss)) / 100)
                if err > worst { (worst, worstName) = (err, "\(e.name)[\(k)] got \(got) fd \(fd)") }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 60)
        XCTAssertLessThan(worst, 2e-2, "worst relative gradient error at \(worstName) \(TestSeed.note)")
        // MeanShift is frozen: its entries are not trainable and the optimiser does not own them
        XCTAssertFalse(entries.first { $0.name == "sub_mean.weight" }!.trainable)
        XCTAssertFalse(trainer.weights.ranges.contains { $0.contains(entries.first { $0.name == "add_mean.bias" }!.offset) })
    }
}

extension ModelReference {
    init(params: [String: (shape: [Int], values: [Double])]) {
        self.params = params
    }
}
