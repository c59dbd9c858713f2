import XCTest
@testable import Acla

/// l1Loss and mseLoss against float64 references; gradients to prediction and target.
final class OpLossTests: XCTestCase {
    func testL1Loss() throws {
        var rng = TestSeed.generator(401)
        for s in [[2, 3, 4, 5], [1, 1, 12, 12], [5]] {
            let p = rng.tensor(s)
            // differences kept away from the kink of |d| at 0
            let d = rng.tensorAwayFromZero(s, 0.02, 1)
            let t = try Tensor(shape: s, data: zip(p.data, d.data).map { $0 - $1 })
            try NumericCheck.checkOp([p, t], rng: &rng, "l1Loss \(s)",
                                     op: { try l1Loss($0[0], $0[1]) }, reference: { Reference64.l1Loss($0[0], $0[1]) })
        }
    }

    func testMSELoss() throws {
        var rng = TestSeed.generator(402)
        for s in [[2, 3, 4, 5], [1, 1, 12, 12], [5]] {
            try NumericCheck.checkOp([rng.tensor(s), rng.tensor(s)], rng: &rng, "mseLoss \(s)",
                                     op: { try mseLoss($0[0], $0[1]) }, reference: { Reference64.mseLoss($0[0], $0[1]) })
        }
    }

    /// A loss is a scalar [1]; backward() with no seed starts from 1.
    func testLossIsScalarSeed() throws {
        var rng = TestSeed.generator(403)
        let p = Variable(rng.tensor([1, 2, 3, 3]), requiresGrad: true), t = Variable(rng.tensor([1, 2, 3, 3]))
        let loss = try mseLoss(p, t)
        XCTAssertEqual(loss.shape, [1])
        try loss.backward()
        let expected = zip(p.value.data, t.value.data).map { 2 * (Double($0) - Double($1)) / 18 }
        XCTAssertLessThan(NumericCheck.relativeError(p.grad!.data.map(Double.init), expected), 1e-6)
    }
}
