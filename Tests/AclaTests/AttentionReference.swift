import Foundation
import XCTest
@testable import Acla

/// A naive float64 rendering of ATTENTION.md sections 1-6, written from the spec with plain loops
/// and sharing no code with the library. Maps are one image, [channel][pixel] flattened.
enum Reference {
    /// 1x1 convolution: out[o][i] = b[o] + sum_c w[o][c] x[c][i].
    static func conv1x1(_ x: [Double], channels c: Int, pixels n: Int, weight: [Double], bias: [Double]) -> [Double] {
        let outC = bias.count
        var y = [Double](repeating: 0, count: outC * n)
        for o in 0..<outC {
            for i in 0..<n {
                var s = bias[o]
                for ch in 0..<c { s += weight[o * c + ch] * x[ch * n + i] }
                y[o * n + i] = s
            }
        }
        return y
    }

    /// S(V, y, x) of section 1 on one plane of h x w; zero outside or at non-finite locations.
    static func sample(_ plane: ArraySlice<Double>, h: Int, w: Int, y: Double, x: Double) -> Double {
        if !(y > -1 && y < Double(h) && x > -1 && x < Double(w)) { return 0 }
        let y0 = Int(Foundation.floor(y)), x0 = Int(Foundation.floor(x))
        let ly = y - Double(y0), lx = x - Double(x0)
        func at(_ yy: Int, _ xx: Int) -> Double {
            yy >= 0 && yy < h && xx >= 0 && xx < w ? plane[plane.startIndex + yy * w + xx] : 0
        }
        return (1 - ly) * (1 - lx) * at(y0, x0) + (1 - ly) * lx * at(y0, x0 + 1)
            + ly * (1 - lx) * at(y0 + 1, x0) + ly * lx * at(y0 + 1, x0 + 1)
    }

    static func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }

    /// Parameters of one module as float64 arrays, by field ("offset.weight", ...).
    typealias Params = [String: [Double]]

    /// What the CLA/ACLA reference computes for one image, plus the sampled gate values.
    struct CLAResult {
        var z: [Double]
        var beta: [Double]   // [q][pixel], ACLA only
        var open: Int        // keys with effective mask > 0
    }

    /// CLA/ACLA of sections 3-5 for one image. `mask(q, i, beta)` gives the key gate m (ACLA);
    /// `sourceGates[s]` is s_l of source s and `ownGate` s_j (both 1 outside the search).
    static func crossLayer(x: [Double], sources: [[Double]], params p: Params, channels c: Int, h: Int, w: Int,
                           keys k: Int, gated: Bool, mask: (Int, Int, Double) -> Double,
                           sourceGates: [Double]? = nil, ownGate: Double = 1) -> CLAResult {
        let n = h * w, r = sources.count, nq = r * k
        let o = conv1x1(x, channels: c, pixels: n, weight: p["offset.weight"]!, bias: p["offset.bias"]!)
        let e = conv1x1(x, channels: c, pixels: n, weight: p["logits.weight"]!, bias: p["logits.bias"]!)
        let v = sources.map { conv1x1($0, channels: c, pixels: n, weight: p["value.weight"]!, bias: p["value.bias"]!) }
        let g = gated ? sources.map { conv1x1($0, channels: c, pixels: n, weight: p["gate.weight"]!, bias: p["gate.bias"]!) } : []
        var y = [Double](repeating: 0, count: c * n)
        var beta = [Double](repeating: 0, count: nq * n)
        var open = 0
        for i in 0..<n {
            let py = Double(i / w), px = Double(i % w)
            var m = [Double](repeating: 1, count: nq)
            var vals = [[Double]](repeating: [], count: nq)
            for q in 0..<nq {
                let s = q / k
                let yy = py + o[(2 * q) * n + i], xx = px + o[(2 * q + 1) * n + i]
                if gated {
                    beta[q * n + i] = sample(g[s][0..<n], h: h, w: w, y: yy, x: xx)
                    m[q] = mask(q, i, beta[q * n + i])
                }
                m[q] *= sourceGates?[s] ?? 1
                vals[q] = (0..<c).map { ch in sample(v[s][(ch * n)..<((ch + 1) * n)], h: h, w: w, y: yy, x: xx) }
            }
            // The formula weighs keys by m itself (the finite-difference surrogates of the gradient
            // tests move m slightly below 0 too); only an all-zero pixel has no output.
            open += (0..<nq).filter { m[$0] > 0 }.count
            let used = (0..<nq).filter { m[$0] != 0 }
            guard let top = used.map({ e[$0 * n + i] }).max() else { continue }
            var weights = (0..<nq).map { m[$0] != 0 ? m[$0] * Foundation.exp(e[$0 * n + i] - top) : 0 }
            let z = weights.reduce(0, +)
            weights = weights.map { $0 / z }
            for q in 0..<nq { for ch in 0..<c { y[ch * n + i] += weights[q] * vals[q][ch] } }
        }
        let projected = conv1x1(y, channels: c, pixels: n, weight: p["out.weight"]!, bias: p["out.bias"]!)
        let zOut = (0..<(c * n)).map { x[$0] + ownGate * projected[$0] }
        return CLAResult(z: zOut, beta: beta, open: open)
    }

    /// NL/CLNL of section 6 for one image: one softmax over every pixel of every source.
    static func nonLocal(x: [Double], sources: [[Double]], params p: Params, channels c: Int, pixels n: Int) -> [Double] {
        let ci = c / 2
        let theta = conv1x1(x, channels: c, pixels: n, weight: p["theta.weight"]!, bias: p["theta.bias"]!)
        let phi = sources.map { conv1x1($0, channels: c, pixels: n, weight: p["phi.weight"]!, bias: p["phi.bias"]!) }
        let g = sources.map { conv1x1($0, channels: c, pixels: n, weight: p["g.weight"]!, bias: p["g.bias"]!) }
        var y = [Double](repeating: 0, count: ci * n)
        for i in 0..<n {
            var scores: [Double] = []
            for s in sources.indices {
                for j in 0..<n {
                    var d = 0.0
                    for ch in 0..<ci { d += theta[ch * n + i] * phi[s][ch * n + j] }
                    scores.append(d)
                }
            }
            let top = scores.max()!
            let ex = scores.map { Foundation.exp($0 - top) }
            let z = ex.reduce(0, +)
            for s in sources.indices {
                for j in 0..<n {
                    for ch in 0..<ci { y[ch * n + i] += ex[s * n + j] / z * g[s][ch * n + j] }
                }
            }
        }
        let projected = conv1x1(y, channels: ci, pixels: n, weight: p["out.weight"]!, bias: p["out.bias"]!)
        return (0..<(c * n)).map { x[$0] + projected[$0] }
    }

    /// SE of section 6 for one image.
    static func squeezeExcitation(x: [Double], params p: Params, channels c: Int, pixels n: Int) -> [Double] {
        let pooled = (0..<c).map { ch in (0..<n).reduce(0.0) { $0 + x[ch * n + $1] } / Double(n) }
        let hidden = conv1x1(pooled, channels: c, pixels: 1, weight: p["squeeze.weight"]!, bias: p["squeeze.bias"]!).map { max($0, 0) }
        let scale = conv1x1(hidden, channels: hidden.count, pixels: 1, weight: p["excite.weight"]!, bias: p["excite.bias"]!).map(sigmoid)
        return (0..<(c * n)).map { x[$0] * scale[$0 / n] }
    }
}

/// Shared helpers of the attention tests.
enum AttentionTesting {
    static func randomTensor(_ shape: [Int], _ rng: inout RandomGenerator, scale: Double = 1) -> Tensor {
        var t = Tensor(zeros: shape)
        for i in 0..<t.count { t.data[i] = Float(rng.uniform(-scale, scale)) }
        return t
    }

    /// Image b of an NCHW tensor as float64 [channel][pixel].
    static func image(_ t: Tensor, _ b: Int) -> [Double] {
        let per = t.count / t.shape[0]
        return t.data[(b * per)..<((b + 1) * per)].map(Double.init)
    }

    /// The module parameters of position j, by field, as float64.
    static func params(_ store: ParameterStore, position j: Int) -> Reference.Params {
        var p: Reference.Params = [:]
        let prefix = "attention.\(j)."
        for name in store.names where name.hasPrefix(prefix) {
            p[String(name.dropFirst(prefix.count))] = store[name]!.value.data.map(Double.init)
        }
        return p
    }

    /// Replaces every attention parameter with random values (scaled per field by `scale`).
    static func randomize(_ store: ParameterStore, _ rng: inout RandomGenerator, scale: (String) -> Double = { _ in 0.5 }) throws {
        for name in store.names where name.hasPrefix("attention.") {
            let v = store[name]!
            try v.assign(randomTensor(v.shape, &rng, scale: try scale(name)))
        }
    }

    static func makeStack(_ config: AttentionConfig, features: Int, layers: Int, seed: UInt64 = 1)
        throws -> (AttentionModuleStack, ParameterStore) {
        let store = ParameterStore()
        var rng = RandomGenerator(seed: seed)
        let stack = try XCTUnwrap(AttentionFactory.make(config, features: features, layers: layers, store: store, rng: &rng))
        return (try XCTUnwrap(stack as? AttentionModuleStack), store)
    }

    /// Runs the stack over the given layer maps (layer j's map is maps[j - 1]); returns every z.
    /// Runs the stack as a backbone would (begin, apply after each layer, finish) on one pass.
    static func run(_ stack: AttentionModuleStack, maps: [Variable], pass: ForwardPass = ForwardPass()) throws -> [Variable] {
        try stack.begin(pass: pass)
        let z = try maps.enumerated().map { try stack.apply(afterLayer: $0.offset + 1, $0.element, pass: pass) }
        stack.finish(pass: pass)
        return z
    }

    static func assertClose(_ got: [Float], _ want: [Double], tolerance: Double, _ what: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, what, file: file, line: line)
        var worst = 0.0, at = 0
        for i in 0..<min(got.count, want.count) {
            let d = abs(Double(got[i]) - want[i]) / max(1, abs(want[i]))
            if !(d <= worst) { worst = d; at = i }
        }
        XCTAssert(worst <= tolerance, "\(what): worst difference \(worst) at \(at) (got \(got[at]), want \(want[at]))",
                  file: file, line: line)
    }
}
