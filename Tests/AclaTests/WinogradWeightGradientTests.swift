import XCTest
@testable import Acla

/// The Winograd weight gradient (dU = sum over tiles of (A dy A^T) . V, dW = G^T dU G) against
/// the weight gradient of a 3x3 zero-padded convolution written out in float64, at every CPU
/// level of the machine: maps that are not multiples of the tile or smaller than one, tile rows
/// wider than a vector, batches, odd channel counts and more blocks than threads.
final class WinogradWeightGradientTests: XCTestCase {
    /// dW[co, ci, a, b] = sum_{n, y, x} dy[n, co, y, x] x[n, ci, y + a - 1, x + b - 1].
    private func reference(_ x: Tensor, _ dy: Tensor) -> [Double] {
        let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]), cout = dy.shape[1]
        var dw = [Double](repeating: 0, count: cout * cin * 9)
        for b in 0..<n { for co in 0..<cout { for ci in 0..<cin { for a in 0..<3 { for c in 0..<3 {
            var s = 0.0
            for y in 0..<h { for xx in 0..<w {
                let (yy, xs) = (y + a - 1, xx + c - 1)
                guard yy >= 0, yy < h, xs >= 0, xs < w else { continue }
                s += Double(dy.data[((b * cout + co) * h + y) * w + xx]) * Double(x.data[((b * cin + ci) * h + yy) * w + xs])
            }}
            dw[((co * cin + ci) * 3 + a) * 3 + c] += s
        }}}}}
        return dw
    }

    func testAgainstFloat64ReferenceAtEveryLevel() throws {
        var rng = TestSeed.generator(841)
        let shapes = [(1, 8, 8, 12, 12), (2, 5, 7, 13, 11), (3, 3, 2, 1, 1), (2, 4, 9, 2, 3), (1, 6, 5, 70, 9), (4, 9, 6, 23, 17),
                      (1, 3, 4, 5, 101)]   // rows of more tiles than a vector has lanes, the last chunk partial
        for level in CPULevel.allCases where level <= CPULevel.detected {
            try CPULevel.with(level) {
                for (n, cin, cout, h, w) in shapes {
                    let x = rng.tensor([n, cin, h, w]), dy = rng.tensor([n, cout, h, w])
                    let g = try ConvolutionGeometry(input: x.shape, weight: [cout, cin, 3, 3], bias: nil)
                    let want = reference(x, dy)
                    for tile: Int32 in [4, 6] {
                        let got = try winogradWeightGradient(x, dy: dy, geometry: g, tile: tile)
                        let e = NumericCheck.relativeError(got.data.map(Double.init), want)
                        XCTAssertLessThan(e, tile == 4 ? 2e-5 : 1e-4, "F(\(tile)) \(level.name) n\(n) \(cin)->\(cout) \(h)x\(w) \(TestSeed.note)")
                    }
                }
            }
        }
    }

    /// Through a plan on the tape: the same weight gradient with and without the Winograd-domain
    /// path (im2col), and the switch really changes the path (the values differ in the last bits).
    func testPlanUsesItForWinogradLayers() throws {
        var rng = TestSeed.generator(842)
        let x = rng.tensor([2, 6, 16, 16])
        func gradient(_ on: Bool) throws -> Tensor {
            var start = TestSeed.generator(843)   // the same weights every time
            let layer = try Conv2dLayer("c", in: 6, out: 5, kernel: 3, store: ParameterStore(), rng: &start)
            layer.plan.algorithmOverride = .winograd4x4
            let saved = ConvolutionPlan.winogradWeightGradients
            ConvolutionPlan.winogradWeightGradients = on
            defer { ConvolutionPlan.winogradWeightGradients = saved }
            let y = try layer(Variable(x))
            try y.backward(gradient: Tensor(shape: y.shape, repeating: 1))
            return try XCTUnwrap(layer.weight.grad)
        }
        let winograd = try gradient(true), im2col = try gradient(false)
        XCTAssertLessThan(NumericCheck.relativeError(winograd.data.map(Double.init), im2col.data.map(Double.init)), 2e-5)
        XCTAssertNotEqual(Array(winograd.data), Array(im2col.data))
    }
}
