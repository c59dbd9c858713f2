import XCTest
import AclaKernels
@testable import Acla

/// The NCHW <-> NHWC copies of the attention kernels (attention_layout.c and its AVX2 tiles):
/// exact element moves at every CPU level, for channel and pixel counts that are and are not
/// multiples of the 8 x 8 register blocks and the 16-pixel tiles, batches, 1 and 2 threads.
final class AttentionLayoutTests: XCTestCase {
    func testLayoutCopiesAreExactTransposesAtEveryLevel() throws {
        var rng = RandomGenerator(seed: 8)
        for (n, c, hw) in [(1, 64, 256), (2, 19, 77), (3, 8, 16), (1, 5, 3), (2, 72, 37)] {
            let count = n * c * hw
            let src = (0..<count).map { _ in Float(rng.uniform(-1, 1)) }
            var want = [Float](repeating: 0, count: count)   // NHWC of src read as NCHW
            for b in 0..<n { for ch in 0..<c { for i in 0..<hw { want[(b * hw + i) * c + ch] = src[(b * c + ch) * hw + i] } } }
            for level in CPULevel.allCases where level <= CPULevel.detected {
                for threads: Int32 in [1, 2] {
                    var nhwc = [Float](repeating: .nan, count: count), back = [Float](repeating: .nan, count: count)
                    _ = CPULevel.with(level) {
                        src.withUnsafeBufferPointer { s in
                            nhwc.withUnsafeMutableBufferPointer { ak_nchw_to_nhwc(s.baseAddress, Int32(n), Int32(c), hw, $0.baseAddress, threads) }
                        }
                        nhwc.withUnsafeBufferPointer { s in
                            back.withUnsafeMutableBufferPointer { ak_nhwc_to_nchw(s.baseAddress, Int32(n), Int32(c), hw, $0.baseAddress, threads) }
                        }
                    }
                    let what = "\(level.name), \(threads) threads, n \(n) c \(c) hw \(hw)"
                    XCTAssertEqual(nhwc.map(\.bitPattern), want.map(\.bitPattern), "NCHW -> NHWC, \(what)")
                    XCTAssertEqual(back.map(\.bitPattern), src.map(\.bitPattern), "NHWC -> NCHW, \(what)")
                }
            }
        }
    }
}
