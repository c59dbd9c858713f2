import Foundation
import XCTest
@testable import Acla

final class AutogradTests: XCTestCase {
    /// One tensor feeding two consumers (as a key bank does) receives the sum of both gradients.
    func testTensorUsedTwiceAccumulates() throws {
        var rng = RandomGenerator(seed: 7)
        let a = Variable(try Tensor(shape: [1, 2, 3, 3], data: (0..<18).map { _ in Float(rng.uniform(-1, 1)) }), requiresGrad: true)
        let b = Variable(try Tensor(shape: [1, 2, 3, 3], data: (0..<18).map { _ in Float(rng.uniform(-1, 1)) }), requiresGrad: true)
        // loss = sum((a*b + 3a) * a) -> d/da = 2ab + 6a... computed exactly in float64 below
        let ab = try multiply(a, b)
        let t = try add(ab, try scale(a, by: 3))
        let y = try multiply(t, a)
        try y.backward()
        for i in 0..<18 {
            let (av, bv) = (Double(a.value.data[i]), Double(b.value.data[i]))
            XCTAssertEqual(Double(a.grad!.data[i]), 2 * av * bv + 6 * av, accuracy: 1e-5)
            XCTAssertEqual(Double(b.grad!.data[i]), av * av, accuracy: 1e-5)
        }
    }

    func testNoTapeWithoutGradients() throws {
        let p = Variable(try Tensor(shape: [2], data: [1, 2]), requiresGrad: true)
        let y = try GradMode.withoutGradients { try relu(p) }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue(y.parents.isEmpty)
    }
}

/// Graphs of several ops: residual sums, a tensor feeding several consumers, reuse inside one
/// op; all against finite differences through the float64 references.
final class AutogradGraphTests: XCTestCase {
    /// x -> conv -> relu -> conv (+ x residual) -> channel attention (GAP, conv 1x1, sigmoid,
    /// channelScale) -> (+ x again) * x -> MSE + L1 to a target. x and h each feed several ops.
    func testResidualGraphAgainstFiniteDifferences() throws {
        var rng = TestSeed.generator(601)
        let (n, c, h, w) = (2, 3, 5, 4)
        let inputs = [rng.tensor([n, c, h, w]), rng.tensor([c, c, 3, 3], -0.4, 0.4), rng.tensor([c], -0.2, 0.2),
                      rng.tensor([c, c, 3, 3], -0.4, 0.4), rng.tensor([c, c, 1, 1]), rng.tensor([c]),
                      rng.tensor([n, c, h, w])]
        let op: ([Variable]) throws -> Variable = { v in
            let (x, w1, b1, w2, wa, ba, target) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6])
            let hidden = try relu(try conv2d(x, weight: w1, bias: b1))
            let r = try add(try conv2d(hidden, weight: w2, bias: nil), x)
            let gate = try sigmoid(try conv2d(try globalAveragePool(r), weight: wa, bias: ba))
            let z = try multiply(try add(try channelScale(r, gate), x), x)
            let u = try add(z, try scale(hidden, by: 0.5))
            return try add(try mseLoss(u, target), try scale(try l1Loss(u, target), by: 0.3))
        }
        let ref: ([Tensor64]) -> Tensor64 = { t in
            let (x, w1, b1, w2, wa, ba, target) = (t[0], t[1], t[2], t[3], t[4], t[5], t[6])
            let hidden = Reference64.relu(Reference64.conv2d(x, w1, b1))
            let r = Reference64.add(Reference64.conv2d(hidden, w2, nil), x)
            let gate = Reference64.sigmoid(Reference64.conv2d(Reference64.globalAveragePool(r), wa, ba))
            let z = Reference64.multiply(Reference64.add(Reference64.channelScale(r, gate), x), x)
            let u = Reference64.add(z, Reference64.scale(hidden, 0.5))
            return Reference64.add(Reference64.mseLoss(u, target), Reference64.scale(Reference64.l1Loss(u, target), 0.3))
        }
        try NumericCheck.checkOp(inputs, rng: &rng, "residual graph", op: op, reference: ref)
    }

    /// Cross-layer attention's pattern: one map sampled at two sets of offsets (ACLA's gate
    /// sampling) and also passed on, with softmax weights over the samples.
    func testSharedKeyBankGraph() throws {
        var rng = TestSeed.generator(602)
        let (n, keys, h, w) = (1, 2, 4, 4)
        let inputs = [rng.tensor([n, 1, h, w]), rng.tensor([n, 2 * keys, h, w], -0.45, 0.45),
                      rng.tensor([n, 2 * keys, h, w], -0.45, 0.45), rng.tensor([n, keys, h, w], -2, 2)]
        // offsets within +-0.45 of each pixel never reach an integer target, so no cell edge is crossed
        let op: ([Variable]) throws -> Variable = { v in
            let s1 = try sampleGates([v[0]], offsets: v[1], keys: keys), s2 = try sampleGates([v[0]], offsets: v[2], keys: keys)
            let weights = try softmaxChannels(v[3])
            return try add(try multiply(try add(s1, s2), weights), try add(try pixelShuffle(v[3], factor: 1), try scale(s1, by: 2)))
        }
        let ref: ([Tensor64]) -> Tensor64 = { t in
            let s1 = Reference64.sampleAtOffsets(t[0], t[1]), s2 = Reference64.sampleAtOffsets(t[0], t[2])
            let weights = Reference64.softmaxChannels(t[3])
            return Reference64.add(Reference64.multiply(Reference64.add(s1, s2), weights), Reference64.add(t[3], Reference64.scale(s1, 2)))
        }
        try NumericCheck.checkOp(inputs, rng: &rng, "shared key bank", op: op, reference: ref)
    }

    /// The same variable as both operands of one op.
    func testSameVariableTwiceInOneOp() throws {
        var rng = TestSeed.generator(603)
        let a = Variable(rng.tensor([2, 3]), requiresGrad: true)
        try add(try multiply(a, a), a).backward()
        let expected = a.value.data.map { 2 * Double($0) + 1 }
        XCTAssertLessThan(NumericCheck.relativeError(a.grad!.data.map(Double.init), expected), 1e-6)
    }

    /// A faulty op (wrong gradient count or shape) is an internal error, not memory corruption.
    func testMisshapenGradientFromAnOpIsAnError() {
        let p = Variable(Tensor(zeros: [2, 2]), requiresGrad: true)
        let wrongShape = Variable(value: Tensor(zeros: [2, 2]), parents: [p]) { _ in [Tensor(zeros: [4])] }
        NumericCheck.assertThrows(.internal, "gradient shape") { try wrongShape.backward() }
        let wrongCount = Variable(value: Tensor(zeros: [2, 2]), parents: [p]) { g in [g, g] }
        NumericCheck.assertThrows(.internal, "gradient count") { try wrongCount.backward() }
        XCTAssertNil(p.grad)
    }

    /// Leaves accumulate over backward calls (an optimiser zeroes them between steps).
    func testGradientsAccumulateAcrossCalls() throws {
        var rng = TestSeed.generator(604)
        let a = Variable(rng.tensor([4]), requiresGrad: true)
        try scale(a, by: 2).backward()
        try scale(a, by: 3).backward()
        XCTAssertEqual(a.grad?.data, [5, 5, 5, 5])
    }

    /// Constants get no gradient and a graph of constants records nothing.
    func testConstantsRecordNothing() throws {
        var rng = TestSeed.generator(605)
        let x = Variable(rng.tensor([1, 2, 3, 3])), p = Variable(rng.tensor([1, 2, 3, 3]), requiresGrad: true)
        let constant = try add(x, x)
        XCTAssertFalse(constant.requiresGrad)
        XCTAssertTrue(constant.parents.isEmpty)
        try multiply(constant, p).backward()
        XCTAssertNil(x.grad)
        XCTAssertNotNil(p.grad)
    }

    /// A tape far deeper than any model (50k ops), built, differentiated and freed on a thread
    /// with a 1 MB stack: neither the backward pass nor the tape's release recurses per node.
    func testDeepTapeOnSmallStack() throws {
        final class Outcome: @unchecked Sendable { var grad: [Float]?; var error: Error? }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do {
                let p = Variable(Tensor(shape: [1], repeating: 1), requiresGrad: true)
                var y = p
                for _ in 0..<50_000 { y = try scale(y, by: 1) }
                try y.backward()
                outcome.grad = p.grad.map { Array($0.data) }
            } catch { outcome.error = error }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        done.wait()
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.grad, [1])
    }
}
