import XCTest
@testable import Acla

/// The reference kernel (conv2d_reference.c) against the float64 definition, forward and every
/// gradient by finite differences; the im2col kernel against the reference kernel on odd shapes.
final class ConvReferenceTests: XCTestCase {
    func testReferenceKernelAgainstDefinition() throws {
        var rng = TestSeed.generator(801)
        for (n, cin, cout, h, w, k, bias) in [(2, 3, 2, 5, 4, 3, true), (1, 2, 3, 4, 6, 1, false),
                                              (1, 2, 2, 3, 5, 5, true), (2, 1, 1, 1, 2, 3, true)] {
            var inputs = [rng.tensor([n, cin, h, w]), rng.tensor([cout, cin, k, k], -0.5, 0.5)]
            if bias { inputs.append(rng.tensor([cout])) }
            try NumericCheck.checkOp(inputs, rng: &rng, "reference conv n\(n) \(cin)->\(cout) \(h)x\(w) k\(k)",
                                     op: { v in try conv2d(v[0], weight: v[1], bias: bias ? v[2] : nil,
                                                           algorithm: .reference, bandFloats: 0) },
                                     reference: { t in Reference64.conv2d(t[0], t[1], bias ? t[2] : nil) })
        }
    }

    /// Odd shapes: k 1, 3, 5, maps smaller than the kernel, channel counts that are not multiples
    /// of 8, batches, tiny bands; forward and all gradients of im2col against the reference kernel.
    func testIm2colAgainstReferenceOnOddShapes() throws {
        var rng = TestSeed.generator(802)
        let shapes = [(3, 5, 7, 9, 11, 3), (2, 13, 3, 6, 17, 1), (1, 9, 11, 2, 3, 5), (2, 7, 10, 13, 1, 3),
                      (3, 1, 1, 1, 1, 3), (1, 17, 9, 5, 4, 5)]
        for (n, cin, cout, h, w, k) in shapes {
            for band in [0, 40] {
                let x = rng.tensor([n, cin, h, w]), wt = rng.tensor([cout, cin, k, k], -0.5, 0.5), b = rng.tensor([cout])
                let dy = rng.tensor([n, cout, h, w])
                func run(_ a: ConvolutionAlgorithm) throws -> [Tensor] {
                    let v = [Variable(x, requiresGrad: true), Variable(wt, requiresGrad: true), Variable(b, requiresGrad: true)]
                    let y = try conv2d(v[0], weight: v[1], bias: v[2], algorithm: a, bandFloats: band)
                    try y.backward(gradient: dy)
                    return [y.value] + v.map { $0.grad! }
                }
                let what = "im2col vs reference n\(n) \(cin)->\(cout) \(h)x\(w) k\(k) band \(band)"
                for (i, (fast, ref)) in zip(try run(.im2col), try run(.reference)).enumerated() {
                    NumericCheck.assertClose(fast, Tensor64(ref), tolerance: 2e-6, "\(what) result \(i)")
                }
            }
        }
    }
}
