import AclaKernels
import CBLAS
import Foundation
import XCTest
@testable import Acla

/// ak_sgemm (OpenBLAS kept single-threaded, slices of C on our OpenMP threads) against a naive
/// float64 product; concurrent callers; convolution row splits that cross image boundaries.
final class GemmTests: XCTestCase {
    /// Row-major op(A) op(B) * alpha + beta * C in float64, straight from the definition.
    private func reference(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Double,
                           _ a: [Float], _ lda: Int, _ b: [Float], _ ldb: Int,
                           _ beta: Double, _ c: [Float], _ ldc: Int) -> [Double] {
        var out = c.map(Double.init)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let av = ta ? a[p * lda + i] : a[i * lda + p]
                    let bv = tb ? b[j * ldb + p] : b[p * ldb + j]
                    s += Double(av) * Double(bv)
                }
                out[i * ldc + j] = alpha * s + beta * Double(c[i * ldc + j])
            }
        }
        return out
    }

    private func random(_ count: Int, _ rng: inout RandomGenerator) -> [Float] {
        (0..<count).map { _ in Float(rng.uniform(-1, 1)) }
    }

    /// Every transpose combination, C wider than tall (split along n) and taller than wide
    /// (split along m), padded leading dimensions, 1 to 3 threads; large enough to go parallel.
    func testMatchesReference() throws {
        var rng = TestSeed.generator(901)
        for (m, n, k) in [(20, 150, 90), (150, 24, 80), (33, 37, 7)] {
            for ta in [false, true] {
                for tb in [false, true] {
                    let lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5
                    let a = random((ta ? k : m) * lda, &rng), b = random((tb ? n : k) * ldb, &rng)
                    let c0 = random(m * ldc, &rng)
                    let want = reference(ta, tb, m, n, k, 0.75, a, lda, b, ldb, -0.5, c0, ldc)
                    for threads: Int32 in [1, 2, 3] {
                        var c = c0
                        ak_sgemm(ta ? 1 : 0, tb ? 1 : 0, Int32(m), Int32(n), Int32(k), 0.75, a, Int32(lda),
                                 b, Int32(ldb), -0.5, &c, Int32(ldc), threads)
                        let err = NumericCheck.relativeError(c.map(Double.init), want)
                        XCTAssertLessThan(err, 1e-5, "sgemm \(m)x\(n)x\(k) ta \(ta) tb \(tb) threads \(threads) \(TestSeed.note)")
                    }
                }
            }
        }
    }

    /// Several threads of the caller, each running split GEMMs at once: with single-threaded
    /// OpenBLAS called from many threads, every result must equal the one computed alone.
    func testConcurrentCallersAgree() throws {
        var rng = TestSeed.generator(902)
        let (m, n, k) = (64, 96, 72)
        let a = random(m * k, &rng), b = random(k * n, &rng)
        var alone = [Float](repeating: 0, count: m * n)
        ak_sgemm(0, 0, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, &alone, Int32(n), 2)
        final class Results: @unchecked Sendable { var mismatches = [Int](repeating: 0, count: 4) }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            var c = [Float](repeating: 0, count: m * n)
            for _ in 0..<25 {
                ak_sgemm(0, 0, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, &c, Int32(n), 2)
                if c != alone { results.mismatches[caller] += 1 }
            }
        }
        XCTAssertEqual(results.mismatches, [0, 0, 0, 0])
        XCTAssertEqual(openblas_get_num_threads(), 1, "OpenBLAS must stay single-threaded")
    }

    /// conv2d splits the batch's output rows across threads, so a thread's share may end inside
    /// an image or span two; 2 and 3 threads on 3 images of 5 rows, against the reference.
    func testConvRowSplitAcrossImages() throws {
        var rng = TestSeed.generator(903)
        let x = rng.tensor([3, 2, 5, 4]), wt = rng.tensor([3, 2, 3, 3]), b = rng.tensor([3])
        let want = Reference64.conv2d(Tensor64(x), Tensor64(wt), Tensor64(b))
        let before = Threads.count
        defer { try? Threads.set(before) }
        for threads: Int32 in [2, 3, 4] {
            try Threads.set(threads)
            for band in [0, 24] {
                let y = try conv2d(Variable(x), weight: Variable(wt), bias: Variable(b), bandFloats: band)
                NumericCheck.assertClose(y.value, want, "conv2d \(threads) threads band \(band)")
            }
        }
    }
}
