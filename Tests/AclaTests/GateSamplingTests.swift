import XCTest
@testable import Acla

/// Bilinear sampling at per-pixel offsets (ATTENTION.md section 1, rendered in float64 as
/// Reference64.bilinear), through ACLA's gate sampling with one source: beta[b, k] is the
/// one-channel map sampled at pixel + offset of key k. The same taps (bilinear_taps.h) serve the
/// key aggregation kernels.
final class GateSamplingTests: XCTestCase {
    private func sample(_ values: Variable, offsets: Variable) throws -> Variable {
        try sampleGates([values], offsets: offsets, keys: offsets.shape[1] / 2)
    }

    /// Offsets whose targets y + dy (x + dx) lie in (-1.5, H + 0.5) with fractional parts in
    /// [0.1, 0.9]: inside, partly outside (one or two corners padded) and wholly outside, always
    /// at least 0.1 from an integer so finite differences never straddle a cell edge.
    private func fractionalOffsets(_ rng: inout RandomGenerator, n: Int, keys: Int, h: Int, w: Int) -> Tensor {
        var t = Tensor(zeros: [n, 2 * keys, h, w])
        for b in 0..<n { for k in 0..<keys { for yy in 0..<h { for xx in 0..<w {
            for (axis, pos, size) in [(0, yy, h), (1, xx, w)] {
                let target = Double(rng.int(-2, size)) + rng.uniform(0.1, 0.9)
                t.data[((b * 2 * keys + 2 * k + axis) * h + yy) * w + xx] = Float(target - Double(pos))
            }
        } } } }
        return t
    }

    func testFractionalOffsetsForwardAndGradients() throws {
        var rng = TestSeed.generator(101)
        for (n, c, h, w, keys) in [(2, 1, 5, 6, 2), (1, 1, 4, 4, 3)] {
            let values = rng.tensor([n, c, h, w])
            let offsets = fractionalOffsets(&rng, n: n, keys: keys, h: h, w: w)
            try NumericCheck.checkOp([values, offsets], rng: &rng, "sampled gates \(n)x\(c)x\(h)x\(w) K\(keys)",
                                     op: { try self.sample($0[0], offsets: $0[1]) },
                                     reference: { Reference64.sampleAtOffsets($0[0], $0[1]) })
        }
    }

    /// Integer targets from -2 to H+1: exact corner reads, the edges -1 and H (zero) and H-1
    /// (inside). The coordinate gradient there is the one-sided formula of the spec.
    func testIntegerOffsets() throws {
        var rng = TestSeed.generator(102)
        let (n, c, h, w, keys) = (2, 1, 4, 5, 3)
        let values = rng.tensor([n, c, h, w])
        var offsets = Tensor(zeros: [n, 2 * keys, h, w])
        for b in 0..<n { for k in 0..<keys { for yy in 0..<h { for xx in 0..<w {
            offsets.data[((b * 2 * keys + 2 * k) * h + yy) * w + xx] = Float(rng.int(-2, h + 1) - yy)
            offsets.data[((b * 2 * keys + 2 * k + 1) * h + yy) * w + xx] = Float(rng.int(-2, w + 1) - xx)
        } } } }
        // Values enter linearly, so their finite differences are exact even at integer locations.
        try NumericCheck.checkOp([values, offsets], differentiable: [true, false], rng: &rng, "sampled gates integer",
                                 op: { try self.sample($0[0], offsets: $0[1]) },
                                 reference: { Reference64.sampleAtOffsets($0[0], $0[1]) })
        try checkCoordinateGradient(values, offsets, rng: &rng)
    }

    /// NaN, infinite, huge and exactly-on-the-edge coordinates: zero samples, zero gradients,
    /// no trap; the other keys at the same pixels are unaffected.
    func testNonFiniteAndOutOfRangeOffsets() throws {
        var rng = TestSeed.generator(103)
        let (n, c, h, w) = (1, 1, 4, 5)
        let bad: [(Float, Float)] = [(.nan, 0.3), (0.2, .nan), (.infinity, 0.5), (0.5, -.infinity),
                                     (1e30, 0.1), (0.1, -1e30), (-Float.greatestFiniteMagnitude, 0.2)]
        let keys = bad.count + 1
        let values = rng.tensor([n, c, h, w])
        var offsets = Tensor(zeros: [n, 2 * keys, h, w])
        for yy in 0..<h { for xx in 0..<w {
            for (k, (dy, dx)) in bad.enumerated() {
                offsets.data[((2 * k) * h + yy) * w + xx] = dy
                offsets.data[((2 * k + 1) * h + yy) * w + xx] = dx
            }
            // the last key: exactly on an edge (y = -1, y = H, x = W, x = -1) or fractional inside
            let k = bad.count
            let (dy, dx): (Float, Float) = switch edgeCase(yy, xx) {
            case 0: (Float(-1 - yy), -0.4)
            case 1: (Float(h - yy), 0.3)
            case 2: (0.25, Float(w - xx))
            case 3: (-0.3, Float(-1 - xx))
            default: (0.25, -0.4)
            }
            offsets.data[((2 * k) * h + yy) * w + xx] = dy
            offsets.data[((2 * k + 1) * h + yy) * w + xx] = dx
        } }
        let v = Variable(values, requiresGrad: true), o = Variable(offsets, requiresGrad: true)
        let y = try sample(v, offsets: o)
        let ref = Reference64.sampleAtOffsets(Tensor64(values), Tensor64(offsets))
        XCTAssertFalse(y.value.data.contains { !$0.isFinite }, "non-finite output")
        for k in 0..<(keys - 1) {
            for i in (k * c * h * w)..<((k + 1) * c * h * w) { XCTAssertEqual(y.value.data[i], 0, "key \(k)") }
        }
        NumericCheck.assertClose(y.value, ref, "sampled gates with bad offsets")
        try y.backward(gradient: rng.tensor(y.shape))
        let dOffsets = try XCTUnwrap(o.grad)
        XCTAssertFalse(dOffsets.data.contains { !$0.isFinite } || v.grad!.data.contains { !$0.isFinite })
        for yy in 0..<h { for xx in 0..<w {
            // every bad key, and the last key where it sits on an edge
            for k in 0..<keys where k < bad.count || edgeCase(yy, xx) < 4 {
                XCTAssertEqual(dOffsets.data[((2 * k) * h + yy) * w + xx], 0, "d dy key \(k) at \(yy),\(xx)")
                XCTAssertEqual(dOffsets.data[((2 * k + 1) * h + yy) * w + xx], 0, "d dx key \(k) at \(yy),\(xx)")
            }
        } }
        // The values' gradient of the bad keys must be zero too: compare all of it to the reference.
        try NumericCheck.checkOp([values, offsets], differentiable: [true, false], rng: &rng, "values gradient, bad offsets",
                                 op: { try self.sample($0[0], offsets: $0[1]) },
                                 reference: { Reference64.sampleAtOffsets($0[0], $0[1]) })
    }

    private func edgeCase(_ y: Int, _ x: Int) -> Int { (y + 2 * x) % 5 }

    /// Zero offsets read every pixel itself: the identity, for any number of keys.
    func testZeroOffsetsAreIdentity() throws {
        var rng = TestSeed.generator(104)
        let values = rng.tensor([1, 1, 4, 6])
        let y = try sample(Variable(values), offsets: Variable(Tensor(zeros: [1, 4, 4, 6])))
        XCTAssertEqual(Array(y.value.data[0..<values.count]), Array(values.data))
        XCTAssertEqual(Array(y.value.data[values.count...]), Array(values.data))
    }

    /// d/d(offsets) against the spec's analytic formula (valid at integer locations too).
    private func checkCoordinateGradient(_ values: Tensor, _ offsets: Tensor, rng: inout RandomGenerator) throws {
        let (n, c, h, w) = (values.shape[0], values.shape[1], values.shape[2], values.shape[3])
        let keys = offsets.shape[1] / 2
        let o = Variable(offsets, requiresGrad: true)
        let y = try sample(Variable(values), offsets: o)
        let g = rng.tensor(y.shape)
        try y.backward(gradient: g)
        let v64 = Tensor64(values), o64 = Tensor64(offsets), g64 = Tensor64(g)
        var expected = Tensor64(zeros: offsets.shape)
        for b in 0..<n { for k in 0..<keys { for yy in 0..<h { for xx in 0..<w {
            let sy = Double(yy) + o64[b, 2 * k, yy, xx], sx = Double(xx) + o64[b, 2 * k + 1, yy, xx]
            for ch in 0..<c {
                let (gy, gx) = Reference64.bilinearCoordinateGradient({ v64[b, ch, $0, $1] }, h: h, w: w, y: sy, x: sx)
                expected[b, 2 * k, yy, xx] += g64[b, k * c + ch, yy, xx] * gy
                expected[b, 2 * k + 1, yy, xx] += g64[b, k * c + ch, yy, xx] * gx
            }
        } } } }
        NumericCheck.assertClose(try XCTUnwrap(o.grad), expected, "coordinate gradient at integer locations")
    }
}
