import XCTest
@testable import Acla

/// conv2d against the naive float64 convolution: forward, and every gradient (input, weight,
/// bias) against central finite differences through the reference.
final class ConvTests: XCTestCase {
    private func check(n: Int, cin: Int, cout: Int, h: Int, w: Int, k: Int, bias: Bool, salt: UInt64,
                       bandFloats: Int = 0, gradients: Bool = true, file: StaticString = #filePath, line: UInt = #line) throws {
        var rng = TestSeed.generator(salt)
        var inputs = [rng.tensor([n, cin, h, w]), rng.tensor([cout, cin, k, k], -0.5, 0.5)]
        if bias { inputs.append(rng.tensor([cout])) }
        let what = "conv2d n\(n) \(cin)->\(cout) \(h)x\(w) k\(k) bias \(bias) band \(bandFloats)"
        let op: ([Variable]) throws -> Variable = { v in
            try conv2d(v[0], weight: v[1], bias: bias ? v[2] : nil, bandFloats: bandFloats)
        }
        let ref: ([Tensor64]) -> Tensor64 = { t in Reference64.conv2d(t[0], t[1], bias ? t[2] : nil) }
        if gradients {
            try NumericCheck.checkOp(inputs, rng: &rng, what, file: file, line: line, op: op, reference: ref)
        } else {
            let y = try op(inputs.map { Variable($0) })
            NumericCheck.assertClose(y.value, ref(inputs.map(Tensor64.init)), what, file: file, line: line)
        }
    }

    func testOneByOne() throws {
        try check(n: 2, cin: 3, cout: 2, h: 5, w: 7, k: 1, bias: true, salt: 1)
        try check(n: 1, cin: 4, cout: 3, h: 6, w: 6, k: 1, bias: false, salt: 2)
    }

    func testThreeByThree() throws {
        try check(n: 2, cin: 2, cout: 3, h: 6, w: 5, k: 3, bias: false, salt: 3)
        try check(n: 1, cin: 3, cout: 2, h: 7, w: 7, k: 3, bias: true, salt: 4)
    }

    func testFiveByFive() throws {
        try check(n: 2, cin: 2, cout: 2, h: 7, w: 6, k: 5, bias: true, salt: 5)
        try check(n: 1, cin: 1, cout: 3, h: 5, w: 8, k: 5, bias: false, salt: 6)
    }

    /// Maps up to 12x12 and several channels: forward only (finite differences are the slow part).
    func testLargerMapsForward() throws {
        try check(n: 2, cin: 4, cout: 5, h: 12, w: 12, k: 3, bias: true, salt: 7, gradients: false)
        try check(n: 1, cin: 3, cout: 4, h: 11, w: 12, k: 5, bias: true, salt: 8, gradients: false)
        try check(n: 3, cin: 6, cout: 2, h: 12, w: 9, k: 1, bias: true, salt: 9, gradients: false)
    }

    /// Kernels wider or taller than the map: most taps read the zero padding.
    func testKernelLargerThanMap() throws {
        try check(n: 1, cin: 2, cout: 2, h: 1, w: 1, k: 5, bias: true, salt: 10)
        try check(n: 2, cin: 1, cout: 2, h: 2, w: 3, k: 5, bias: false, salt: 11)
        try check(n: 1, cin: 2, cout: 1, h: 1, w: 6, k: 5, bias: true, salt: 12)
        try check(n: 1, cin: 1, cout: 2, h: 6, w: 1, k: 3, bias: true, salt: 13)
        try check(n: 1, cin: 1, cout: 1, h: 3, w: 2, k: 7, bias: false, salt: 14)
    }

    /// A tiny column budget forces several row bands (one row each, and bands with a short last
    /// band), forward and backward.
    func testRowBands() throws {
        // cin*k*k*w floats per output row: 2*9*7 = 126 (k 3), 2*25*6 = 300 (k 5)
        try check(n: 2, cin: 2, cout: 3, h: 7, w: 7, k: 3, bias: true, salt: 15, bandFloats: 126)      // 7 bands of 1 row
        try check(n: 1, cin: 2, cout: 2, h: 7, w: 7, k: 3, bias: false, salt: 16, bandFloats: 126 * 3) // 3+3+1
        try check(n: 2, cin: 2, cout: 2, h: 6, w: 6, k: 5, bias: true, salt: 17, bandFloats: 300 * 4)  // 4+2
        try check(n: 1, cin: 2, cout: 2, h: 5, w: 6, k: 5, bias: true, salt: 18, bandFloats: 1)        // clamped to 1 row
    }

    /// The kernel's real band budgets on a many-channel input: backward's 2^21 floats give
    /// 9-row bands on a 12-row map (9 + 3), forward's 2^18 floats per thread 1-row bands.
    /// Forward against the reference; backward against the same op run as a single band.
    func testDefaultBandBudgetWithManyChannels() throws {
        var rng = TestSeed.generator(19)
        let (cin, cout, h, w, k) = (700, 2, 12, 12, 5)
        XCTAssertLessThan((1 << 21) / (cin * k * k * w), h, "the case must need several bands")
        let x = rng.tensor([1, cin, h, w]), wt = rng.tensor([cout, cin, k, k], -0.05, 0.05), b = rng.tensor([cout])
        let y = try conv2d(Variable(x), weight: Variable(wt), bias: Variable(b))
        let ref = Reference64.conv2d(Tensor64(x), Tensor64(wt), Tensor64(b))
        NumericCheck.assertClose(y.value, ref, "many-channel conv2d")

        func gradients(_ band: Int) throws -> [Tensor] {
            let vars = [Variable(x, requiresGrad: true), Variable(wt, requiresGrad: true), Variable(b, requiresGrad: true)]
            let out = try conv2d(vars[0], weight: vars[1], bias: vars[2], bandFloats: band)
            var g = TestSeed.generator(20)
            try out.backward(gradient: g.tensor(out.shape))
            return vars.map { $0.grad! }
        }
        let banded = try gradients(0), single = try gradients(1 << 30)
        for (a, e) in zip(banded, single) {
            NumericCheck.assertClose(a, Tensor64(e), "banded vs single-band gradient")
        }
    }

    /// Inference through a layer records no tape and gives the same values.
    func testInferenceRecordsNothing() throws {
        var rng = TestSeed.generator(21)
        let x = Variable(rng.tensor([1, 2, 4, 4]))
        let wt = Variable(rng.tensor([3, 2, 3, 3]), requiresGrad: true)
        let y = try GradMode.withoutGradients { try conv2d(x, weight: wt, bias: nil) }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertEqual(y.value, try conv2d(x, weight: wt, bias: nil).value)
    }
}
