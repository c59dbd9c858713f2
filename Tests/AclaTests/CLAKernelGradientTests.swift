import XCTest
@testable import Acla

/// The key-aggregation kernels (forward and backward, cla_aggregate*.c, cla_tile_body.h) at sizes
/// the module tests do not reach: channels that fill vectors and leave a tail at every level's
/// width (19 = 16 + 3 = 2 x 8 + 3), maps of several pixel tiles with a partial last one, soft
/// masks with closed keys, a batch of 2. Every CPU level the machine has and 1 and 2 threads,
/// against a float64 reference and its central finite differences.
final class CLAKernelGradientTests: XCTestCase {
    static let (n, r, k, c, h, w) = (2, 2, 3, 19, 7, 11)

    struct Inputs {
        var values: [[Double]]   // per source, NCHW
        var offsets: [Double]    // [n][2 r K][h][w]
        var logits: [Double]     // [n][r K][h][w]
        var mask: [Double]?      // [n][r K][h][w]
    }

    /// L = sum seed * y with y_i = sum_q a_q S(values[s(q)], p_i + offset_q),
    /// a_q = M_q exp(e_q) / sum_p M_p exp(e_p) (every key has M = 1 without a mask).
    static func referenceLoss(_ x: Inputs, seed: [Double]) -> Double {
        let (n, r, k, c, h, w) = (Self.n, Self.r, Self.k, Self.c, Self.h, Self.w)
        let hw = h * w, nq = r * k
        var loss = 0.0
        for b in 0..<n {
            for i in 0..<hw {
                let (py, px) = (Double(i / w), Double(i % w))
                var e = [Double](repeating: 0, count: nq), m = [Double](repeating: 1, count: nq)
                for q in 0..<nq {
                    e[q] = x.logits[(b * nq + q) * hw + i]
                    if let mask = x.mask { m[q] = mask[(b * nq + q) * hw + i] }
                }
                let top = e.max()!
                let z = (0..<nq).reduce(0.0) { $0 + m[$1] * Foundation.exp(e[$1] - top) }
                for q in 0..<nq {
                    let a = m[q] * Foundation.exp(e[q] - top) / z
                    let sy = py + x.offsets[(b * 2 * nq + 2 * q) * hw + i]
                    let sx = px + x.offsets[(b * 2 * nq + 2 * q + 1) * hw + i]
                    let v = x.values[q / k]
                    for ch in 0..<c {
                        let plane = v[((b * c + ch) * hw)..<((b * c + ch + 1) * hw)]
                        loss += seed[(b * c + ch) * hw + i] * a * Reference.sample(plane, h: h, w: w, y: sy, x: sx)
                    }
                }
            }
        }
        return loss
    }

    struct Gradients {
        var values: [[Float]], offsets: [Float], logits: [Float], mask: [Float]?

        /// The first element (by input) where the two differ in any bit, or nil.
        func firstDifference(_ o: Gradients) -> String? {
            var pairs = zip(values, o.values).enumerated().map { ("values\($0.offset)", $0.element.0, $0.element.1) }
            pairs += [("offsets", offsets, o.offsets), ("logits", logits, o.logits), ("mask", mask ?? [], o.mask ?? [])]
            for (name, a, b) in pairs {
                if a.count != b.count { return "\(name): \(a.count) vs \(b.count) elements" }
                if let i = a.indices.first(where: { a[$0].bitPattern != b[$0].bitPattern }) {
                    return "\(name)[\(i)]: \(a[i]) vs \(b[i])"
                }
            }
            return nil
        }
    }

    /// The implementation's loss and gradients on float32 copies of `x`.
    static func run(_ x: Inputs, seed: Tensor) throws -> (loss: Double, grads: Gradients) {
        let (n, r, k, c, h, w) = (Self.n, Self.r, Self.k, Self.c, Self.h, Self.w)
        func tensor(_ d: [Double], _ shape: [Int]) -> Variable {
            var t = Tensor(zeros: shape)
            for i in 0..<t.count { t.data[i] = Float(d[i]) }
            return Variable(t, requiresGrad: true)
        }
        let values = x.values.map { tensor($0, [n, c, h, w]) }
        let offsets = tensor(x.offsets, [n, 2 * r * k, h, w])
        let logits = tensor(x.logits, [n, r * k, h, w])
        let mask = x.mask.map { tensor($0, [n, r * k, h, w]) }
        let y = try aggregateKeys(values: values, offsets: offsets, logits: logits, mask: mask, keys: k).output
        try y.backward(gradient: seed)
        var loss = 0.0
        for i in 0..<seed.count { loss += Double(seed.data[i]) * Double(y.value.data[i]) }
        func g(_ v: Variable) throws -> [Float] { try XCTUnwrap(v.grad).data.map { $0 } }
        return (loss, Gradients(values: try values.map(g), offsets: try g(offsets), logits: try g(logits),
                                mask: try mask.map(g)))
    }

    func testAggregationGradientsAtEveryLevelAndThreadCount() throws {
        let (n, r, k, c, h, w) = (Self.n, Self.r, Self.k, Self.c, Self.h, Self.w)
        let hw = h * w, nq = r * k
        var rng = RandomGenerator(seed: 404)
        func draw(_ count: Int, _ scale: Double) -> [Double] { (0..<count).map { _ in rng.uniform(-scale, scale) } }
        // Soft mask values, about a third closed; key 0 always open so every pixel has an open key.
        var mask = (0..<(n * nq * hw)).map { _ -> Double in
            let u = rng.uniform(0, 1)
            return u < 0.35 ? 0 : 0.2 + u
        }
        for b in 0..<n { for i in 0..<hw { mask[b * nq * hw + i] = max(mask[b * nq * hw + i], 0.5) } }
        let base = Inputs(values: (0..<r).map { _ in draw(n * c * hw, 1) }, offsets: draw(n * 2 * nq * hw, 2.5),
                          logits: draw(n * nq * hw, 2), mask: mask)
        let seedValues = draw(n * c * hw, 1)
        var seed = Tensor(zeros: [n, c, h, w])
        for i in 0..<seed.count { seed.data[i] = Float(seedValues[i]) }
        let seedD = seed.data.map(Double.init)

        for masked in [true, false] {
            var x = base
            if !masked { x.mask = nil }
            // The implementation at every level and thread count: bit-identical across thread
            // counts at one level, within rounding of each other across levels.
            var results: [(String, Double, Gradients)] = []
            let before = Threads.count
            defer { try? Threads.set(before) }
            for level in CPULevel.allCases where level <= CPULevel.detected {
                var perThreads: [Gradients] = []
                for threads: Int32 in [1, 2] {
                    try Threads.set(threads)
                    let got = try XCTUnwrap(try CPULevel.with(level) { try Self.run(x, seed: seed) })
                    perThreads.append(got.grads)
                    results.append(("\(level.name), \(threads) threads", got.loss, got.grads))
                }
                XCTAssertNil(perThreads[0].firstDifference(perThreads[1]), "\(level.name): 1 vs 2 threads, mask \(masked)")
            }
            let want = Self.referenceLoss(x, seed: seedD)
            for (what, loss, _) in results {
                XCTAssertEqual(loss, want, accuracy: 1e-4 * max(1, abs(want)), "loss at \(what), mask \(masked)")
            }
            // Central differences of the reference, on a spread of elements of every input.
            let eps = 1e-6
            func fd(_ set: (inout Inputs, Double) -> Void, _ at: Double) -> Double {
                var up = x, down = x
                set(&up, at + eps); set(&down, at - eps)
                return (Self.referenceLoss(up, seed: seedD) - Self.referenceLoss(down, seed: seedD)) / (2 * eps)
            }
            var checked = 0
            func check(_ name: String, _ count: Int, stride: Int, value: (Int) -> Double,
                       set: @escaping (inout Inputs, Int, Double) -> Void, grad: (Gradients, Int) -> Float) {
                for idx in Swift.stride(from: idx0(name), to: count, by: stride) {
                    let want = fd({ set(&$0, idx, $1) }, value(idx))
                    for (what, _, g) in results {
                        XCTAssertEqual(Double(grad(g, idx)), want, accuracy: 1e-3 * max(1, abs(want)),
                                       "d\(name)[\(idx)] at \(what), mask \(masked)")
                    }
                    checked += 1
                }
            }
            func idx0(_ name: String) -> Int { name.count % 5 }
            for s in 0..<r {
                check("values\(s)", n * c * hw, stride: 41, value: { x.values[s][$0] },
                      set: { $0.values[s][$1] = $2 }, grad: { $0.values[s][$1] })
            }
            check("offsets", n * 2 * nq * hw, stride: 11, value: { x.offsets[$0] },
                  set: { $0.offsets[$1] = $2 }, grad: { $0.offsets[$1] })
            check("logits", n * nq * hw, stride: 7, value: { x.logits[$0] },
                  set: { $0.logits[$1] = $2 }, grad: { $0.logits[$1] })
            if masked {
                check("mask", n * nq * hw, stride: 7, value: { x.mask![$0] },
                      set: { $0.mask![$1] = $2 }, grad: { $0.mask![$1] })
            }
            XCTAssertGreaterThan(checked, 400)
        }
    }
}
