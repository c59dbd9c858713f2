import XCTest
@testable import Acla

/// The fused epilogues give the same bits as the separate ops they replace (forward and
/// gradients), and their backward matches finite differences through the float64 reference.
final class ConvEpilogueTests: XCTestCase {
    /// How many floats of two tensors differ in their bits (shapes must match), with the first one.
    static func bitDifferences(_ a: Tensor, _ b: Tensor) -> String? {
        guard a.shape == b.shape else { return "shapes \(a.shape) and \(b.shape)" }
        let differing = (0..<a.count).filter { a.data[$0].bitPattern != b.data[$0].bitPattern }
        guard let first = differing.first else { return nil }
        return "\(differing.count) of \(a.count) floats differ, first at \(first): \(a.data[first]) vs \(b.data[first])"
    }

    /// Forward value and gradients of x, weight, bias (and the residual) for one upstream gradient.
    private func run(_ inputs: [Tensor], dy: Tensor, _ op: ([Variable]) throws -> Variable) throws -> [Tensor] {
        let v = inputs.map { Variable($0, requiresGrad: true) }
        let y = try op(v)
        try y.backward(gradient: dy)
        return [y.value] + v.map { $0.grad! }
    }

    func testFusedEqualsSeparateOpsBitForBit() throws {
        var rng = TestSeed.generator(811)
        for (n, cin, cout, h, w, k, band) in [(2, 5, 6, 9, 7, 3, 0), (1, 4, 3, 8, 11, 3, 100), (2, 3, 5, 6, 6, 1, 0),
                                              (1, 6, 4, 7, 5, 5, 200), (3, 64, 64, 5, 6, 3, 0)] {
            let x = rng.tensor([n, cin, h, w]), wt = rng.tensor([cout, cin, k, k], -0.5, 0.5), b = rng.tensor([cout])
            let res = rng.tensor([n, cout, h, w], -3, 3), dy = rng.tensor([n, cout, h, w])
            let what = "n\(n) \(cin)->\(cout) \(h)x\(w) k\(k) band \(band)"
            let fusedRelu = try run([x, wt, b], dy: dy) { v in
                try conv2d(v[0], weight: v[1], bias: v[2], epilogue: .relu, bandFloats: band)
            }
            let separateRelu = try run([x, wt, b], dy: dy) { v in
                try relu(try conv2d(v[0], weight: v[1], bias: v[2], bandFloats: band))
            }
            for (i, (a, e)) in zip(fusedRelu, separateRelu).enumerated() {
                if let d = Self.bitDifferences(a, e) { XCTFail("relu epilogue \(what): result \(i): \(d)") }
            }
            for s: Float in [1, 0.1, 0.37] {
                let fused = try run([x, wt, b, res], dy: dy) { v in
                    try conv2d(v[0], weight: v[1], bias: v[2], epilogue: .residual(v[3], scale: s), bandFloats: band)
                }
                // EDSR's ResBlock as it was: res_scale 1 skipped the multiplication
                let separate = try run([x, wt, b, res], dy: dy) { v in
                    let c = try conv2d(v[0], weight: v[1], bias: v[2], bandFloats: band)
                    return try add(s == 1 ? c : try scale(c, by: s), v[3])
                }
                for (i, (a, e)) in zip(fused, separate).enumerated() {
                    if let d = Self.bitDifferences(a, e) { XCTFail("residual epilogue scale \(s) \(what): result \(i): \(d)") }
                }
            }
        }
    }

    func testFusedBackwardAgainstFiniteDifferences() throws {
        var rng = TestSeed.generator(812)
        let (n, cin, cout, h, w, k) = (2, 3, 2, 5, 4, 3)
        let inputs = [rng.tensor([n, cin, h, w]), rng.tensor([cout, cin, k, k], -0.5, 0.5), rng.tensor([cout])]
        try NumericCheck.checkOp(inputs, rng: &rng, "conv + relu epilogue",
                                 op: { v in try conv2d(v[0], weight: v[1], bias: v[2], epilogue: .relu) },
                                 reference: { t in Reference64.relu(Reference64.conv2d(t[0], t[1], t[2])) })
        let withResidual = inputs + [rng.tensor([n, cout, h, w])]
        try NumericCheck.checkOp(withResidual, rng: &rng, "conv + residual epilogue",
                                 op: { v in try conv2d(v[0], weight: v[1], bias: v[2], epilogue: .residual(v[3], scale: 0.3)) },
                                 reference: { t in Reference64.add(Reference64.scale(Reference64.conv2d(t[0], t[1], t[2]), 0.3), t[3]) })
    }

    /// The reference kernel applies the same epilogue.
    func testReferenceKernelEpilogue() throws {
        var rng = TestSeed.generator(813)
        let x = Variable(rng.tensor([2, 3, 6, 5])), wt = Variable(rng.tensor([4, 3, 3, 3])), b = Variable(rng.tensor([4]))
        let r = Variable(rng.tensor([2, 4, 6, 5]))
        for ep in [ConvolutionEpilogue.relu, .residual(r, scale: 0.5)] {
            let fast = try conv2d(x, weight: wt, bias: b, epilogue: ep, algorithm: .im2col, bandFloats: 0)
            let ref = try conv2d(x, weight: wt, bias: b, epilogue: ep, algorithm: .reference, bandFloats: 0)
            NumericCheck.assertClose(fast.value, Tensor64(ref.value), tolerance: 2e-6, "epilogue \(ep)")
        }
    }

    func testResidualShapeIsChecked() throws {
        var rng = TestSeed.generator(814)
        let x = Variable(rng.tensor([1, 2, 4, 4])), wt = Variable(rng.tensor([3, 2, 3, 3]))
        let wrong = Variable(rng.tensor([1, 2, 4, 4]))
        NumericCheck.assertThrows(.shape, "residual with the input's channels") {
            try conv2d(x, weight: wt, bias: nil, epilogue: .residual(wrong, scale: 1))
        }
    }
}
