import XCTest
@testable import Acla

/// Gradients of every CLA/ACLA parameter and input against central finite differences of the
/// float64 reference: soft mode (the spec's test mode), and the hard training mode, whose
/// straight-through backward is the gradient of the surrogate mask `hard0 + u(beta) - u(beta0)`.
final class CLAGradientTests: XCTestCase {
    func testCLAGradients() throws {
        try checkGradients(kind: .cla, mode: .soft)
    }

    func testACLASoftModeGradients() throws {
        try checkGradients(kind: .acla, mode: .soft)
    }

    func testACLAStraightThroughGradients() throws {
        try checkGradients(kind: .acla, mode: .training)
    }

    private func checkGradients(kind: AttentionConfig.Kind, mode: ForwardPass.Mode) throws {
        let (tau, seed): (Double, UInt64) = (0.8, 9)
        let t = try CLATestCase(kind: kind, keys: 4, offsetScale: 2)
        var rng = RandomGenerator(seed: 77)
        let seeds = t.maps.map { AttentionTesting.randomTensor($0.shape, &rng) }
        let (z, inputs) = try t.run(ForwardPass(mode: mode, seed: seed, keyTemperature: tau))
        for j in t.positions { try z[j - 1].backward(gradient: seeds[j - 1]) }

        let n = CLATestCase.height * CLATestCase.width
        let noise = t.trainingNoise(seed: seed)
        let base = (0..<CLATestCase.batch).map { b in
            t.reference(image: b) { j, q, i, beta in beta + noise[j]![b][q * n + i] > 0 ? 1 : 0 }
        }
        // The mask the reference differentiates, for image b.
        func mask(_ b: Int) -> (Int, Int, Int, Double) -> Double {
            { j, q, i, beta in
                switch mode {
                case .soft, .evaluation: return Reference.sigmoid(beta / tau)
                case .training:
                    let g = noise[j]![b][q * n + i]
                    let beta0 = base[b].beta[j]![q * n + i]
                    let hard0: Double = beta0 + g > 0 ? 1 : 0
                    return hard0 + Reference.sigmoid((beta + g) / tau) - Reference.sigmoid((beta0 + g) / tau)
                }
            }
        }
        var params = Dictionary(uniqueKeysWithValues: t.positions.map { ($0, AttentionTesting.params(t.store, position: $0)) })
        var maps = (0..<CLATestCase.batch).map { b in t.maps.map { AttentionTesting.image($0, b) } }
        func loss() -> Double {
            var total = 0.0
            for b in 0..<CLATestCase.batch {
                let z = t.reference(image: b, params: params, maps: maps[b], mask: mask(b)).z
                for j in t.positions {
                    let s = AttentionTesting.image(seeds[j - 1], b)
                    for i in s.indices { total += s[i] * z[j - 1][i] }
                }
            }
            return total
        }
        let eps = 1e-6
        func fd(_ set: (Double) -> Void, _ at: Double) -> Double {
            set(at + eps); let up = loss()
            set(at - eps); let down = loss()
            set(at)
            return (up - down) / (2 * eps)
        }
        var checked = 0
        for j in t.positions {
            for field in params[j]!.keys.sorted() {
                let grad = try XCTUnwrap(t.store["attention.\(j).\(field)"]?.grad, "no gradient for \(field)")
                for idx in params[j]![field]!.indices {
                    let v = params[j]![field]![idx]
                    let want = fd({ params[j]![field]![idx] = $0 }, v)
                    XCTAssertEqual(Double(grad.data[idx]), want, accuracy: 1e-3 * max(1, abs(want)),
                                   "\(kind) \(mode): attention.\(j).\(field)[\(idx)]")
                    checked += 1
                }
            }
        }
        for (l, input) in inputs.enumerated() {
            let grad = input.grad ?? Tensor(zeros: input.shape)   // layer 2 has no module: no gradient
            for b in 0..<CLATestCase.batch {
                for idx in maps[b][l].indices {
                    let v = maps[b][l][idx]
                    let want = fd({ maps[b][l][idx] = $0 }, v)
                    XCTAssertEqual(Double(grad.data[b * maps[b][l].count + idx]), want, accuracy: 1e-3 * max(1, abs(want)),
                                   "\(kind) \(mode): input of layer \(l + 1), image \(b), [\(idx)]")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 500)
    }
}
