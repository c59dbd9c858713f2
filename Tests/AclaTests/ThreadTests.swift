import Foundation
import XCTest
@testable import Acla

/// Results do not depend on the thread count beyond float rounding; the setting is validated.
final class ThreadTests: XCTestCase {
    /// Runs `body` with 1 and with 2 threads (restoring the setting) and returns both results.
    private func withOneAndTwoThreads<T>(_ body: () throws -> T) throws -> (T, T) {
        let before = Threads.count
        defer { try? Threads.set(before) }
        try Threads.set(1)
        let one = try body()
        try Threads.set(2)
        return (one, try body())
    }

    private func forwardAndGradients(_ inputs: [Tensor], seed: UInt64, _ op: ([Variable]) throws -> Variable) throws -> [Tensor] {
        let vars = inputs.map { Variable($0, requiresGrad: true) }
        let y = try op(vars)
        var rng = TestSeed.generator(seed)
        try y.backward(gradient: rng.tensor(y.shape))
        return [y.value] + vars.map { $0.grad! }
    }

    private func assertSame(_ a: [Tensor], _ b: [Tensor], _ what: String) {
        for (i, (x, y)) in zip(a, b).enumerated() {
            NumericCheck.assertClose(x, Tensor64(y), tolerance: 1e-5, "\(what) result \(i), 1 vs 2 threads")
        }
    }

    func testConvIndependentOfThreadCount() throws {
        var rng = TestSeed.generator(701)
        for (k, band) in [(1, 0), (3, 0), (3, 150), (5, 0)] {
            let inputs = [rng.tensor([2, 5, 12, 11]), rng.tensor([6, 5, k, k]), rng.tensor([6])]
            let (one, two) = try withOneAndTwoThreads {
                try forwardAndGradients(inputs, seed: 702) { v in try conv2d(v[0], weight: v[1], bias: v[2], bandFloats: band) }
            }
            assertSame(one, two, "conv2d k\(k) band \(band)")
        }
    }

    func testGateSamplingIndependentOfThreadCount() throws {
        var rng = TestSeed.generator(703)
        let inputs = [rng.tensor([2, 1, 9, 12]), rng.tensor([2, 6, 9, 12], -3, 3)]
        let (one, two) = try withOneAndTwoThreads {
            try forwardAndGradients(inputs, seed: 704) { v in try sampleGates([v[0]], offsets: v[1], keys: 3) }
        }
        assertSame(one, two, "sampleGates")
    }

    func testThreadCountValidation() throws {
        let before = Threads.count
        XCTAssertGreaterThanOrEqual(before, 1)
        for bad: Int32 in [0, -1, 4097, .min] {
            NumericCheck.assertThrows(.invalidArgument, "threads \(bad)") { try Threads.set(bad) }
            XCTAssertEqual(Threads.count, before)
        }
    }

    /// Grad mode is per thread: switching it off on one thread leaves another recording.
    func testGradModeIsThreadLocal() throws {
        let p = Variable(Tensor(shape: [2], repeating: 1), requiresGrad: true)
        final class Box: @unchecked Sendable { var recorded = false }
        let box = Box()
        let finished = DispatchSemaphore(value: 0)
        try GradMode.withoutGradients {
            XCTAssertFalse(GradMode.isEnabled)
            Thread {
                box.recorded = (try? relu(p))?.requiresGrad ?? true
                finished.signal()
            }.start()
            finished.wait()
            XCTAssertFalse(try add(p, p).requiresGrad)
        }
        XCTAssertTrue(box.recorded)
        XCTAssertTrue(GradMode.isEnabled)
    }
}
