import XCTest
import AclaKernels
@testable import Acla

/// The key gates of ACLA: straight-through, the sparse gather at inference, the open-key
/// statistics and the Figure-2 probe.
final class ACLAGateTests: XCTestCase {
    /// The hard gate's straight-through backward is the soft gate's backward at the same point.
    func testStraightThroughBackwardEqualsSoftBackward() throws {
        var rng = RandomGenerator(seed: 4)
        let logits = AttentionTesting.randomTensor([2, 6, 3, 3], &rng, scale: 3)
        let upstream = AttentionTesting.randomTensor(logits.shape, &rng)
        let noise = (0..<logits.count).map { _ in Float(rng.uniform(-2, 2)) }
        for noise in [nil, noise] {
            var grads: [Tensor] = []
            var values: [Tensor] = []
            for hard in [true, false] {
                let x = Variable(logits, requiresGrad: true)
                let m = try gumbelGate(x, noise: noise, hard: hard, temperature: 0.6)
                try m.backward(gradient: upstream)
                grads.append(try XCTUnwrap(x.grad))
                values.append(m.value)
            }
            XCTAssertEqual(grads[0], grads[1])
            XCTAssert(values[0].data.allSatisfy { $0 == 0 || $0 == 1 }, "hard gates are 0 or 1")
            for i in 0..<logits.count {
                let arg = Double(logits.data[i]) + Double(noise?[i] ?? 0)
                XCTAssertEqual(values[0].data[i], arg > 0 ? 1 : 0)
                XCTAssertEqual(Double(values[1].data[i]), Reference.sigmoid(arg / 0.6), accuracy: 1e-6)
                let u = Reference.sigmoid(arg / 0.6)
                XCTAssertEqual(Double(grads[0].data[i]), Double(upstream.data[i]) * u * (1 - u) / 0.6, accuracy: 1e-6)
            }
        }
    }

    /// Evaluation gathers exactly the open keys (beta > 0), reports their fraction, and equals the
    /// dense reference that samples every key and multiplies by the mask.
    func testSparseInferenceEqualsDenseMaskedComputation() throws {
        for k in [4, 16] {
            let t = try CLATestCase(kind: .acla, keys: k)
            let z = try t.run(.evaluation).z
            var open = 0
            for b in 0..<CLATestCase.batch {
                let ref = t.reference(image: b)
                open += ref.open
                AttentionTesting.assertClose(AttentionTesting.image(z[2].value, b).map(Float.init), ref.z[2],
                                             tolerance: 2e-5, "K=\(k) image \(b)")
            }
            let stats = t.stack.statistics
            XCTAssertEqual(stats.map(\.gatheredKeys).reduce(0, +), Int64(open))
            let possible = stats.map { Double(CLATestCase.batch * $0.sourceLayers.count * k * 20) }
            let fraction = stats.map(\.openKeyFraction)
            for (s, p) in zip(stats, possible) { XCTAssertEqual(s.openKeyFraction, Double(s.gatheredKeys) / p, accuracy: 1e-12) }
            XCTAssert(fraction.allSatisfy { $0 > 0.1 && $0 < 0.95 }, "the test must close some keys and open others: \(fraction)")
        }
    }

    /// A source whose keys are all closed is never read: passing no map for it changes nothing.
    func testClosedSourceIsNeverRead() throws {
        var rng = RandomGenerator(seed: 8)
        let (n, c, h, w, k) = (1, 3, 4, 4, 2)
        let v = (0..<2).map { _ in Variable(AttentionTesting.randomTensor([n, c, h, w], &rng)) }
        let offsets = Variable(AttentionTesting.randomTensor([n, 2 * 2 * k, h, w], &rng, scale: 2))
        let logits = Variable(AttentionTesting.randomTensor([n, 2 * k, h, w], &rng))
        var m = Tensor(shape: [n, 2 * k, h, w], repeating: 1)
        for i in (k * h * w)..<(2 * k * h * w) { m.data[i] = 0 }
        let full = try aggregateKeys(values: v, offsets: offsets, logits: logits, mask: Variable(m), keys: k)
        let sparse = try aggregateKeys(values: [v[0], nil], offsets: offsets, logits: logits, mask: Variable(m), keys: k)
        XCTAssertEqual(full.output.value, sparse.output.value)
        XCTAssertEqual(sparse.gathered, Int64(k * h * w))
        m.data[k * h * w + 3] = 1
        XCTAssertThrowsError(try aggregateKeys(values: [v[0], nil], offsets: offsets, logits: logits, mask: Variable(m), keys: k))
    }

    /// Measured MACs follow section 5 with the keys actually gathered; the dense count with all open.
    func testMeasuredMACsCountGatheredKeys() throws {
        let t = try CLATestCase(kind: .acla, keys: 4)
        _ = try t.run(.evaluation)
        let (c, n, k) = (CLATestCase.channels, CLATestCase.height * CLATestCase.width, 4)
        var dense: UInt64 = 0
        for s in t.stack.statistics {
            let r = s.sourceLayers.count
            let fixed = n * c * c + r * (3 * k * n * c + n * c * c + n * c + 4 * k * n)
            let gathered = Int(s.gatheredKeys) / CLATestCase.batch
            XCTAssertEqual(s.measuredMACs, UInt64(fixed + 5 * c * gathered))
            dense += UInt64(fixed + 5 * c * r * k * n)
        }
        XCTAssertEqual(try t.stack.macs(height: CLATestCase.height, width: CLATestCase.width), dense)
        let measured = t.stack.statistics.map(\.measuredMACs).reduce(0, +)
        XCTAssertLessThan(measured, dense)
    }

    /// The probe records, for one query pixel of the first image, every key's location and its
    /// weight in the joint softmax (Figure 2 of the paper).
    func testProbeRecordsKeyLocationsAndWeights() throws {
        let t = try CLATestCase(kind: .acla, keys: 4)
        let (py, px) = (2, 3)
        _ = try t.run(Self.probing(y: py, x: px))
        let probe = t.stack.statistics[1].probe
        XCTAssertEqual(probe.count, 2 * 4)
        XCTAssertEqual(probe.map(\.sourceLayer), [1, 1, 1, 1, 3, 3, 3, 3])
        let (c, h, w) = (CLATestCase.channels, CLATestCase.height, CLATestCase.width)
        let n = h * w, i = py * w + px
        let p = AttentionTesting.params(t.store, position: 3)
        let x3 = AttentionTesting.image(t.maps[2], 0)
        let o = Reference.conv1x1(x3, channels: c, pixels: n, weight: p["offset.weight"]!, bias: p["offset.bias"]!)
        let e = Reference.conv1x1(x3, channels: c, pixels: n, weight: p["logits.weight"]!, bias: p["logits.bias"]!)
        let sources = [AttentionTesting.image(t.maps[0], 0), x3]
        let g = sources.map { Reference.conv1x1($0, channels: c, pixels: n, weight: p["gate.weight"]!, bias: p["gate.bias"]!) }
        var open: [Bool] = []
        for (q, key) in probe.enumerated() {
            let (yy, xx) = (Double(py) + o[2 * q * n + i], Double(px) + o[(2 * q + 1) * n + i])
            XCTAssertEqual(Double(key.y), yy, accuracy: 1e-5)
            XCTAssertEqual(Double(key.x), xx, accuracy: 1e-5)
            open.append(Reference.sample(g[q / 4][0..<n], h: h, w: w, y: yy, x: xx) > 0)
        }
        XCTAssertEqual(probe.map(\.open), open)
        let top = (0..<8).filter { open[$0] }.map { e[$0 * n + i] }.max() ?? 0
        let ex = (0..<8).map { open[$0] ? exp(e[$0 * n + i] - top) : 0 }
        for q in 0..<8 { XCTAssertEqual(Double(probe[q].weight), ex[q] / ex.reduce(0, +), accuracy: 1e-5) }
        _ = try t.run(Self.probing(y: 40, x: 0))
        XCTAssert(t.stack.statistics[1].probe.isEmpty, "a probe outside the map records nothing")
    }

    /// The parallel C noise (ak_gumbel_noise) gives exactly the serial formula's bits, from
    /// uniforms drawn in order, whatever the thread count.
    func testGumbelNoiseKernelEqualsSerialFormula() throws {
        var rng = RandomGenerator(seed: 5)
        let count = 1001
        var u = (0..<(2 * count)).map { _ in rng.uniform() }
        u[0] = 0; u[3] = 1 - 1e-12   // the ends of [0, 1)
        for threads: Int32 in [1, 2] {
            var noise = [Float](repeating: .nan, count: count)
            u.withUnsafeBufferPointer { up in
                noise.withUnsafeMutableBufferPointer { ak_gumbel_noise(up.baseAddress, count, $0.baseAddress, threads) }
            }
            for i in 0..<count {
                let want = Float(gumbelNoise(u[2 * i]) - gumbelNoise(u[2 * i + 1]))
                XCTAssertEqual(noise[i].bitPattern, want.bitPattern, "noise[\(i)] with \(threads) threads")
            }
        }
    }

    static func probing(y: Int, x: Int) -> ForwardPass {
        let pass = ForwardPass()
        pass.probe = ProbePixel(y: y, x: x)
        return pass
    }
}
