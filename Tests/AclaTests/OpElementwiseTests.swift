import XCTest
@testable import Acla

/// relu, add, scale, multiply, sigmoid against float64 references, gradients by finite differences.
final class OpElementwiseTests: XCTestCase {
    private let shapes = [[2, 3, 4, 5], [1, 1, 12, 12], [7]]

    func testReLU() throws {
        var rng = TestSeed.generator(201)
        for s in shapes {
            // away from the kink at 0
            try NumericCheck.checkOp([rng.tensorAwayFromZero(s, 0.05, 2)], rng: &rng, "relu \(s)",
                                     op: { try relu($0[0]) }, reference: { Reference64.relu($0[0]) })
        }
    }

    func testAdd() throws {
        var rng = TestSeed.generator(202)
        for s in shapes {
            try NumericCheck.checkOp([rng.tensor(s), rng.tensor(s)], rng: &rng, "add \(s)",
                                     op: { try add($0[0], $0[1]) }, reference: { Reference64.add($0[0], $0[1]) })
        }
        // a map big enough to be split over the threads, an odd count
        let (a, b) = (rng.tensor([1, 7, 61, 77]), rng.tensor([1, 7, 61, 77]))
        let y = try add(Variable(a), Variable(b)).value
        XCTAssertEqual(Array(y.data), zip(a.data, b.data).map { $0 + $1 })
    }

    func testScale() throws {
        var rng = TestSeed.generator(203)
        for (s, f) in zip(shapes, [0.1, -1.7, 3.0]) {
            try NumericCheck.checkOp([rng.tensor(s)], rng: &rng, "scale \(s) by \(f)",
                                     op: { try scale($0[0], by: Float(f)) }, reference: { Reference64.scale($0[0], f) })
        }
    }

    func testMultiply() throws {
        var rng = TestSeed.generator(204)
        for s in shapes {
            try NumericCheck.checkOp([rng.tensor(s, -2, 2), rng.tensor(s, -2, 2)], rng: &rng, "multiply \(s)",
                                     op: { try multiply($0[0], $0[1]) }, reference: { Reference64.multiply($0[0], $0[1]) })
        }
    }

    func testSigmoid() throws {
        var rng = TestSeed.generator(205)
        for s in shapes {
            try NumericCheck.checkOp([rng.tensor(s, -5, 5)], rng: &rng, "sigmoid \(s)",
                                     op: { try sigmoid($0[0]) }, reference: { Reference64.sigmoid($0[0]) })
        }
        // Saturated inputs stay finite (no inf/inf).
        let y = try sigmoid(Variable(try Tensor(shape: [4], data: [-200, -90, 90, 200])))
        assertElementsEqual(Array(y.value.data), [0, 0, 1, 1], accuracy: 1e-30)
    }

    /// A gradient only flows to the operands that want one.
    func testGradientOnlyWhereRequested() throws {
        var rng = TestSeed.generator(206)
        let a = Variable(rng.tensor([2, 3]), requiresGrad: true), b = Variable(rng.tensor([2, 3]))
        try multiply(a, b).backward()
        XCTAssertNil(b.grad)
        XCTAssertEqual(a.grad?.data, b.value.data)
    }
}

/// Element-wise accuracy on float arrays (XCTAssertEqual has no array-with-accuracy form).
private func assertElementsEqual(_ a: [Float], _ b: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
