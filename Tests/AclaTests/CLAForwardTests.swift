import XCTest
@testable import Acla

/// CLA and ACLA forward passes against the float64 reference, for K = 1, 4, 8, 16, with random
/// weights, fractional and out-of-range offsets, and two key sources at the second module.
final class CLAForwardTests: XCTestCase {
    private let tolerance = 2e-5

    func testCLAForwardMatchesReference() throws {
        for k in [1, 4, 8, 16] {
            let t = try CLATestCase(kind: .cla, keys: k)
            let z = try t.run(ForwardPass(mode: .evaluation)).z
            for b in 0..<CLATestCase.batch {
                let want = t.reference(image: b).z
                for j in t.positions {
                    AttentionTesting.assertClose(AttentionTesting.image(z[j - 1].value, b).map(Float.init), want[j - 1],
                                                 tolerance: tolerance, "CLA K=\(k) layer \(j) image \(b)")
                }
            }
        }
    }

    func testACLAEvaluationMatchesReferenceWithStrictGates() throws {
        for k in [1, 4, 8, 16] {
            let t = try CLATestCase(kind: .acla, keys: k)
            let z = try t.run(ForwardPass(mode: .evaluation)).z
            for b in 0..<CLATestCase.batch {
                let want = t.reference(image: b).z
                for j in t.positions {
                    AttentionTesting.assertClose(AttentionTesting.image(z[j - 1].value, b).map(Float.init), want[j - 1],
                                                 tolerance: tolerance, "ACLA eval K=\(k) layer \(j) image \(b)")
                }
            }
        }
    }

    func testACLASoftModeMatchesReference() throws {
        let tau = 0.7
        for k in [1, 4, 8, 16] {
            let t = try CLATestCase(kind: .acla, keys: k)
            let z = try t.run(ForwardPass(mode: .soft, keyTemperature: tau)).z
            for b in 0..<CLATestCase.batch {
                let want = t.reference(image: b) { _, _, _, beta in Reference.sigmoid(beta / tau) }.z
                for j in t.positions {
                    AttentionTesting.assertClose(AttentionTesting.image(z[j - 1].value, b).map(Float.init), want[j - 1],
                                                 tolerance: tolerance, "ACLA soft K=\(k) layer \(j) image \(b)")
                }
            }
        }
    }

    /// Training draws Gumbel noise from the context's generator (reproducible from the seed) and
    /// gates with the hard rule.
    func testACLATrainingIsSeededAndHard() throws {
        for k in [4, 16] {
            let t = try CLATestCase(kind: .acla, keys: k)
            let z = try t.run(ForwardPass(mode: .training, seed: 42, keyTemperature: 0.5)).z
            let again = try t.run(ForwardPass(mode: .training, seed: 42, keyTemperature: 0.5)).z
            let other = try t.run(ForwardPass(mode: .training, seed: 43, keyTemperature: 0.5)).z
            XCTAssertEqual(z[2].value, again[2].value, "same seed, same pass")
            XCTAssertNotEqual(z[2].value, other[2].value, "another seed draws other gates")
            let noise = t.trainingNoise(seed: 42)
            for b in 0..<CLATestCase.batch {
                let want = t.reference(image: b) { j, q, i, beta in
                    beta + noise[j]![b][q * CLATestCase.height * CLATestCase.width + i] > 0 ? 1 : 0
                }.z
                for j in t.positions {
                    AttentionTesting.assertClose(AttentionTesting.image(z[j - 1].value, b).map(Float.init), want[j - 1],
                                                 tolerance: tolerance, "ACLA training K=\(k) layer \(j) image \(b)")
                }
            }
        }
    }

    /// NaN, infinite and huge offsets sample zero (and close ACLA keys at evaluation), never trap.
    func testNonFiniteAndHugeOffsetsSampleZero() throws {
        for kind in [AttentionConfig.Kind.cla, .acla] {
            let t = try CLATestCase(kind: kind, keys: 4)
            for j in t.positions {
                let bias = t.store["attention.\(j).offset.bias"]!
                var v = bias.value
                let bad: [Float] = [.nan, 1e30, -1e30, .infinity, -.infinity, .nan, 3e38, -.nan]
                for (i, value) in bad.enumerated() where i < v.count { v.data[i] = value }
                try bias.assign(v)
            }
            for mode in [ForwardPass.Mode.evaluation, .soft, .training] {
                let (z, inputs) = try t.run(ForwardPass(mode: mode, seed: 5))
                if mode != .training {
                    for b in 0..<CLATestCase.batch {
                        let want = t.reference(image: b) { _, _, _, beta in
                            mode == .soft ? Reference.sigmoid(beta) : (beta > 0 ? 1 : 0)
                        }.z
                        AttentionTesting.assertClose(AttentionTesting.image(z[2].value, b).map(Float.init), want[2],
                                                     tolerance: tolerance, "\(kind) \(mode) image \(b)")
                    }
                }
                try z[2].backward(gradient: Tensor(shape: z[2].shape, repeating: 1))
                for (name, p) in t.store.parameters {
                    XCTAssert(p.grad?.data.allSatisfy(\.isFinite) ?? true, "\(kind) \(mode): gradient of \(name) is not finite")
                }
                XCTAssert(inputs.allSatisfy { $0.grad?.data.allSatisfy(\.isFinite) ?? true })
                t.store.zeroGradients()
            }
        }
    }

    /// With the initial weights (zero `out`) every module is exactly the identity.
    func testDefaultInitialisationIsTheIdentity() throws {
        for kind in [AttentionConfig.Kind.cla, .acla, .nl, .clnl] {
            let config = AttentionConfig(kind: kind, positions: .list([1, 2, 3]), keys: kind == .acla ? 16 : 8)
            let (stack, _) = try AttentionTesting.makeStack(config, features: 4, layers: 3)
            var rng = RandomGenerator(seed: 3)
            let maps = (0..<3).map { _ in Variable(AttentionTesting.randomTensor([1, 4, 5, 6], &rng)) }
            let z = try AttentionTesting.run(stack, maps: maps, pass: .evaluation)
            for j in 0..<3 { XCTAssertEqual(z[j].value, maps[j].value, "\(kind) at layer \(j + 1)") }
        }
    }
}
