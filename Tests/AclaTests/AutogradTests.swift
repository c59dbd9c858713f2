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
        let t = try add(ab, scale(a, by: 3))
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
        let y = GradMode.withoutGradients { relu(p) }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue(y.parents.isEmpty)
    }
}
