import Foundation
import XCTest
@testable import Acla

/// Adam and gradient clipping against float64 renderings of torch.optim.Adam and
/// torch.nn.utils.clip_grad_norm_ written here from their documented algorithms.
final class OptimizerTests: XCTestCase {
    /// torch.optim.Adam (amsgrad off) in float64, all parameters in one flat vector.
    struct ReferenceAdam {
        var lr, b1, b2, eps, wd: Double
        var m: [Double], v: [Double], t = 0.0
        init(_ s: AdamSettings, count: Int) {
            (lr, b1, b2, eps, wd) = (s.learningRate, s.beta1, s.beta2, s.eps, s.weightDecay)
            m = Array(repeating: 0, count: count)
            v = m
        }
        mutating func step(_ p: inout [Double], _ grad: [Double], lr: Double) {
            t += 1
            for i in p.indices {
                let g = grad[i] + wd * p[i]
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                let mHat = m[i] / (1 - Foundation.pow(b1, t))
                let denom = (v[i] / (1 - Foundation.pow(b2, t))).squareRoot() + eps
                p[i] -= lr * mHat / denom
            }
        }
    }

    func testAdamMatchesTheFloat64ReferenceOverManySteps() throws {
        var rng = TestSeed.generator(101)
        for settings in [AdamSettings(learningRate: 1e-2), AdamSettings(learningRate: 3e-3, beta1: 0.5, beta2: 0.99, eps: 1e-6, weightDecay: 1e-2)] {
            let count = 257
            let ranges = [0..<100, 130..<257]   // 100..<130 is frozen (MeanShift-like)
            let adam = try Adam(settings: settings, ranges: ranges)
            XCTAssertEqual(adam.stateCount, 227)
            var values = (0..<count).map { _ in Float(rng.uniform(-1, 1)) }
            let initial = values
            let trainable = ranges.flatMap { Array($0) }
            var ref = ReferenceAdam(settings, count: trainable.count)
            var p64 = trainable.map { Double(values[$0]) }
            for step in 0..<40 {
                // gradients of very different scales, some exactly zero
                let grads = (0..<count).map { i -> Float in i % 17 == 0 ? 0 : Float(rng.uniform(-1, 1) * Foundation.pow(10, Double(i % 5) - 2)) }
                let lr = settings.learningRate * (step < 20 ? 1 : 0.5)
                try values.withUnsafeMutableBufferPointer { v in
                    try grads.withUnsafeBufferPointer { g in try adam.update(values: v, gradients: g, learningRate: lr) }
                }
                ref.step(&p64, trainable.map { Double(grads[$0]) }, lr: lr)
            }
            XCTAssertEqual(adam.step, 40)
            let got = trainable.map { Double(values[$0]) }
            // compare the updates (p - p0), which is where float32 rounding shows
            let deltaGot = zip(got, trainable).map { $0 - Double(initial[$1]) }
            let deltaRef = zip(p64, trainable).map { $0 - Double(initial[$1]) }
            let err = NumericCheck.relativeError(deltaGot, deltaRef)
            XCTAssertLessThan(err, 2e-4, "Adam update relative error \(err) \(TestSeed.note)")
            for i in 100..<130 { XCTAssertEqual(values[i], initial[i], "frozen entry \(i) changed") }
        }
    }

    /// The first step of Adam moves every parameter by lr * sign(g) (up to eps): a hand-checkable fact.
    func testFirstAdamStepIsLearningRateTimesSign() throws {
        let adam = try Adam(settings: AdamSettings(learningRate: 0.1, eps: 0), ranges: [0..<3])
        var values: [Float] = [1, 2, 3]
        let grads: [Float] = [0.5, -2, 1e-3]
        try values.withUnsafeMutableBufferPointer { v in
            try grads.withUnsafeBufferPointer { try adam.update(values: v, gradients: $0, learningRate: 0.1) }
        }
        XCTAssertEqual(values[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(values[1], 2.1, accuracy: 1e-6)
        XCTAssertEqual(values[2], 2.9, accuracy: 1e-6)
    }

    func testAdamRejectsBadSettingsAndState() throws {
        for bad in [AdamSettings(learningRate: -1), AdamSettings(beta1: 1), AdamSettings(beta2: -0.1),
                    AdamSettings(eps: .nan), AdamSettings(weightDecay: -1), AdamSettings(learningRate: .infinity)] {
            NumericCheck.assertThrows(.invalidArgument, "\(bad)") { try Adam(settings: bad, ranges: [0..<1]) }
        }
        let adam = try Adam(settings: AdamSettings(), ranges: [0..<4])
        NumericCheck.assertThrows(.format) { try adam.restore(step: 1, expAvg: [0, 0], expAvgSq: [0, 0, 0, 0]) }
        NumericCheck.assertThrows(.format) { try adam.restore(step: -1, expAvg: [0, 0, 0, 0], expAvgSq: [0, 0, 0, 0]) }
        var short: [Float] = [0, 0]
        NumericCheck.assertThrows(.internal) {
            try short.withUnsafeMutableBufferPointer { v in
                try [Float](repeating: 0, count: 2).withUnsafeBufferPointer { try adam.update(values: v, gradients: $0, learningRate: 1e-3) }
            }
        }
    }

    /// A restored state continues exactly as the original optimiser.
    func testAdamRestoreContinuesBitIdentically() throws {
        var rng = TestSeed.generator(102)
        let a = try Adam(settings: AdamSettings(learningRate: 1e-2), ranges: [0..<50])
        var va = (0..<50).map { _ in Float(rng.uniform(-1, 1)) }
        let grads = (0..<6).map { _ in (0..<50).map { _ in Float(rng.uniform(-1, 1)) } }
        func run(_ adam: Adam, _ v: inout [Float], _ g: [Float]) throws {
            try v.withUnsafeMutableBufferPointer { p in try g.withUnsafeBufferPointer { try adam.update(values: p, gradients: $0, learningRate: 1e-2) } }
        }
        for g in grads[0..<3] { try run(a, &va, g) }
        let b = try Adam(settings: AdamSettings(learningRate: 1e-2), ranges: [0..<50])
        try b.restore(step: a.step, expAvg: a.expAvg, expAvgSq: a.expAvgSq)
        var vb = va
        for g in grads[3...] { try run(a, &va, g); try run(b, &vb, g) }
        XCTAssertEqual(va, vb)
    }

    func testClipGradNormMatchesTorchDefinition() throws {
        var rng = TestSeed.generator(103)
        let grads = (0..<300).map { _ in Float(rng.uniform(-3, 3)) }
        let ranges = [0..<120, 200..<300]
        let norm = ranges.flatMap { Array($0) }.reduce(0.0) { $0 + Double(grads[$1]) * Double(grads[$1]) }.squareRoot()
        for maxNorm in [norm / 3, norm * 2] {
            var g = grads
            let reported = try g.withUnsafeMutableBufferPointer { try GradientClipping.clip($0, ranges: ranges, maxNorm: maxNorm) }
            XCTAssertEqual(reported, norm, accuracy: norm * 1e-12)
            let coef = min(1, maxNorm / (norm + 1e-6))
            for i in 0..<300 {
                let inRange = ranges.contains { $0.contains(i) }
                let want = inRange ? Double(grads[i]) * coef : Double(grads[i])
                XCTAssertEqual(Double(g[i]), want, accuracy: 1e-6 * abs(want) + 1e-7, "gradient \(i), max norm \(maxNorm)")
            }
            if maxNorm > norm { XCTAssertEqual(g, grads, "no clipping below the max norm") }
        }
        var g = grads
        NumericCheck.assertThrows(.invalidArgument) { try g.withUnsafeMutableBufferPointer { try GradientClipping.clip($0, ranges: ranges, maxNorm: 0) } }
        g[5] = .nan
        XCTAssertTrue(g.withUnsafeBufferPointer { GradientClipping.globalNorm($0, ranges: ranges) }.isNaN)
    }
}
