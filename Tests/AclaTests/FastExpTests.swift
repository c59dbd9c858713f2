import AclaKernels
import Glibc
import XCTest

/// `ak_expf` (the masked softmax's exp) against exp in float64 on fresh random arguments.
final class FastExpTests: XCTestCase {
    func testRelativeErrorOverTheWholeRange() {
        var rng = SystemRandomNumberGenerator()
        var worst = 0.0
        for _ in 0..<200_000 {
            let x = Float.random(in: -87.3...88, using: &rng)
            let exact = Glibc.exp(Double(x))
            worst = max(worst, abs(Double(ak_expf(x)) - exact) / exact)
        }
        XCTAssertLessThan(worst, 3e-7, "about 2 ulp")
        XCTAssertEqual(ak_expf(0), 1)
        XCTAssertEqual(Double(ak_expf(-1)), Glibc.exp(-1.0), accuracy: 1e-7)
    }

    func testClampsInsteadOfOverflowingOrUnderflowing() {
        // the softmax never passes more than 0; these keep 2^n normal and the result finite
        XCTAssertEqual(ak_expf(-1000), ak_expf(-87.3365447))
        XCTAssertGreaterThan(ak_expf(-1000), 0)
        XCTAssertLessThan(ak_expf(-1000), 1.2e-38)
        XCTAssertTrue(ak_expf(.infinity).isFinite)
        XCTAssertEqual(ak_expf(1000), ak_expf(88))
        XCTAssertTrue(ak_expf(.nan).isFinite, "NaN maps to the lower clamp, without a float-to-int trap")
    }
}
