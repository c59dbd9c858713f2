import XCTest
@testable import Acla

/// SE (ATTENTION.md section 6): forward against the reference and gradients by finite differences.
final class SETests: XCTestCase {
    func testForwardAndGradients() throws {
        let (c, h, w, batch) = (32, 3, 3, 2)
        let (stack, store) = try AttentionTesting.makeStack(AttentionConfig(kind: .se, positions: .list([2])), features: c, layers: 2)
        XCTAssertEqual(store.names, ["attention.2.squeeze.weight", "attention.2.squeeze.bias",
                                     "attention.2.excite.weight", "attention.2.excite.bias"])
        XCTAssertEqual(store["attention.2.squeeze.weight"]!.shape, [2, 32, 1, 1])
        var rng = RandomGenerator(seed: 9)
        let maps = (0..<2).map { _ in AttentionTesting.randomTensor([batch, c, h, w], &rng) }
        let seed = AttentionTesting.randomTensor(maps[1].shape, &rng)
        let input = Variable(maps[1], requiresGrad: true)
        let z = try AttentionTesting.run(stack, maps: [Variable(maps[0]), input], pass: .evaluation)
        try z[1].backward(gradient: seed)
        var params = AttentionTesting.params(store, position: 2)
        var images = (0..<batch).map { AttentionTesting.image(maps[1], $0) }
        for b in 0..<batch {
            let want = Reference.squeezeExcitation(x: images[b], params: params, channels: c, pixels: h * w)
            AttentionTesting.assertClose(AttentionTesting.image(z[1].value, b).map(Float.init), want, tolerance: 1e-5, "image \(b)")
        }
        func loss() -> Double {
            var total = 0.0
            for b in 0..<batch {
                let zr = Reference.squeezeExcitation(x: images[b], params: params, channels: c, pixels: h * w)
                let s = AttentionTesting.image(seed, b)
                for i in s.indices { total += s[i] * zr[i] }
            }
            return total
        }
        func fd(_ set: (Double) -> Void, _ at: Double) -> Double {
            set(at + 1e-6); let up = loss()
            set(at - 1e-6); let down = loss()
            set(at)
            return (up - down) / 2e-6
        }
        for field in params.keys.sorted() {
            let grad = try XCTUnwrap(store["attention.2.\(field)"]?.grad)
            for idx in params[field]!.indices {
                let want = fd({ params[field]![idx] = $0 }, params[field]![idx])
                XCTAssertEqual(Double(grad.data[idx]), want, accuracy: 1e-3 * max(1, abs(want)), "\(field)[\(idx)]")
            }
        }
        let grad = try XCTUnwrap(input.grad)
        for b in 0..<batch {
            for idx in images[b].indices {
                let want = fd({ images[b][idx] = $0 }, images[b][idx])
                XCTAssertEqual(Double(grad.data[b * images[b].count + idx]), want, accuracy: 1e-3 * max(1, abs(want)), "input [\(idx)]")
            }
        }
    }
}
