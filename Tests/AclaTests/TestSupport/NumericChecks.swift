import Acla
import XCTest

/// Comparisons of library results with float64 references, and gradient checks by central finite
/// differences. Errors are norm-wise: max |actual - expected| / max |expected|, so that entries
/// near zero do not dominate.
enum NumericCheck {
    static func relativeError(_ actual: [Double], _ expected: [Double]) -> Double {
        guard actual.count == expected.count else { return .infinity }
        var diff = 0.0, scale = 0.0
        for (a, e) in zip(actual, expected) {
            if a.isNaN != e.isNaN { return .infinity }
            diff = max(diff, abs(a - e))
            scale = max(scale, abs(e))
        }
        return diff / max(scale, 1e-12)
    }

    /// Asserts that a float32 result matches a float64 reference (same shape, relative error).
    static func assertClose(_ actual: Tensor, _ expected: Tensor64, tolerance: Double = 1e-5,
                            _ what: @autoclosure () -> String = "",
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.shape, expected.shape, "\(what()): shape \(TestSeed.note)", file: file, line: line)
        let err = relativeError(actual.data.map(Double.init), expected.data)
        XCTAssertLessThan(err, tolerance, "\(what()): relative error \(err) \(TestSeed.note)", file: file, line: line)
    }

    /// d/dx_i of `f` at `x` for every i, by central differences in float64.
    static func finiteDifferenceGradient(_ x: Tensor64, eps: Double = 1e-6, _ f: (Tensor64) -> Double) -> [Double] {
        var probe = x
        return (0..<x.count).map { i in
            let v = x.data[i]
            probe.data[i] = v + eps
            let up = f(probe)
            probe.data[i] = v - eps
            let down = f(probe)
            probe.data[i] = v
            return (up - down) / (2 * eps)
        }
    }

    static func dot(_ a: Tensor, _ b: Tensor64) -> Double {
        zip(a.data, b.data).reduce(0) { $0 + Double($1.0) * $1.1 }
    }

    /// Runs the op forward on `inputs` (each made a leaf that requires a gradient unless
    /// `differentiable[i]` is false), compares the output with `reference`, back-propagates a
    /// random upstream gradient `g`, and compares every input's gradient with the finite
    /// differences of `sum(g * reference(inputs))` taken through the float64 reference.
    static func checkOp(_ inputs: [Tensor], differentiable: [Bool]? = nil, rng: inout RandomGenerator,
                        forwardTolerance: Double = 1e-5, gradientTolerance: Double = 1e-3, eps: Double = 1e-6,
                        _ what: String = "", file: StaticString = #filePath, line: UInt = #line,
                        op: ([Variable]) throws -> Variable, reference: ([Tensor64]) -> Tensor64) throws {
        let wants = differentiable ?? inputs.map { _ in true }
        let vars = zip(inputs, wants).map { Variable($0, requiresGrad: $1) }
        let y = try op(vars)
        let inputs64 = inputs.map(Tensor64.init)
        assertClose(y.value, reference(inputs64), tolerance: forwardTolerance, "\(what) forward", file: file, line: line)
        let g = rng.tensor(y.shape)
        try y.backward(gradient: g)
        for (i, v) in vars.enumerated() where wants[i] {
            let fd = finiteDifferenceGradient(inputs64[i], eps: eps) { probe in
                var args = inputs64
                args[i] = probe
                return dot(g, reference(args))
            }
            guard let grad = v.grad else {
                XCTFail("\(what): input \(i) received no gradient \(TestSeed.note)", file: file, line: line)
                continue
            }
            XCTAssertEqual(grad.shape, inputs[i].shape, "\(what): gradient shape of input \(i)", file: file, line: line)
            let err = relativeError(grad.data.map(Double.init), fd)
            XCTAssertLessThan(err, gradientTolerance, "\(what): gradient of input \(i), relative error \(err) \(TestSeed.note)",
                              file: file, line: line)
        }
    }

    /// Asserts that `body` throws an AclaError with the given status (and does not trap).
    static func assertThrows(_ status: AclaStatus, _ what: @autoclosure () -> String = "",
                             file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Any) {
        do {
            _ = try body()
            XCTFail("\(what()): expected an AclaError with status \(status), nothing was thrown", file: file, line: line)
        } catch let e as AclaError {
            XCTAssertEqual(e.status, status, "\(what()): \(e.message)", file: file, line: line)
            XCTAssertFalse(e.message.isEmpty, "\(what()): empty message", file: file, line: line)
        } catch {
            XCTFail("\(what()): expected an AclaError, got \(error)", file: file, line: line)
        }
    }
}
