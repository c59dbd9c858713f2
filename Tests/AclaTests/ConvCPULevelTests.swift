import AclaKernels
import Foundation
import XCTest
@testable import Acla

/// Every CPU level the machine has (the portable one always) gives results within float
/// rounding of the reference convolution, and the im2col path is bit-identical across levels.
final class ConvCPULevelTests: XCTestCase {
    func testLevelsAreDetectedAndForced() throws {
        XCTAssertLessThanOrEqual(CPULevel.current, CPULevel.detected)
        XCTAssertEqual(CPULevel.with(.portable) { CPULevel.current }, .portable)
        for level in CPULevel.allCases where level > CPULevel.detected {
            XCTAssertNil(CPULevel.with(level) { CPULevel.current }, "\(level.name) is not on this CPU and must be refused")
        }
    }

    /// ACLA_CPU lowers the level, is capped at the detected one, and is ignored when unknown.
    func testEnvironmentVariable() throws {
        let saved = ProcessInfo.processInfo.environment["ACLA_CPU"]
        defer {
            if let saved { setenv("ACLA_CPU", saved, 1) } else { unsetenv("ACLA_CPU") }
            ak_cpu_reset_level()
        }
        for (value, expected) in [("portable", CPULevel.portable), ("avx2", min(.avx2, CPULevel.detected)),
                                  ("avx512", CPULevel.detected), ("sse9", CPULevel.detected)] {
            setenv("ACLA_CPU", value, 1)
            ak_cpu_reset_level()
            XCTAssertEqual(CPULevel.current, expected, "ACLA_CPU=\(value)")
        }
    }

    func testIm2colWithEpilogueAtEveryLevel() throws {
        var rng = TestSeed.generator(821)
        let x = rng.tensor([2, 13, 9, 11]), wt = rng.tensor([7, 13, 3, 3], -0.5, 0.5), b = rng.tensor([7])
        let r = Variable(rng.tensor([2, 7, 9, 11]))
        for ep in [ConvolutionEpilogue.relu, .residual(r, scale: 0.2)] {
            let ref = try conv2d(Variable(x), weight: Variable(wt), bias: Variable(b), epilogue: ep,
                                 algorithm: .reference, bandFloats: 0)
            var first: Tensor?
            for level in CPULevel.allCases {
                guard let y = try CPULevel.with(level, {
                    try conv2d(Variable(x), weight: Variable(wt), bias: Variable(b), epilogue: ep, bandFloats: 60).value
                }) else { continue }
                NumericCheck.assertClose(y, Tensor64(ref.value), tolerance: 2e-6, "im2col \(ep) at \(level.name)")
                if let first, let d = ConvEpilogueTests.bitDifferences(y, first) {
                    XCTFail("im2col \(ep) at \(level.name) differs from the portable level: \(d)")
                }
                first = first ?? y
            }
        }
    }
}
