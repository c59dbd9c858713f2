import Foundation
import XCTest
@testable import Acla

/// Learning-rate schedules against torch's definitions, written here as the recursions torch
/// applies once per `scheduler.step()` (so the closed forms are checked against another rendering).
final class ScheduleTests: XCTestCase {
    /// The rate torch's optimiser uses for step i, i = 0..<n, by stepping a recursive scheduler.
    func torchRates(_ n: Int, base: Double, _ stepFn: (_ epoch: Int, _ lr: Double) -> Double) -> [Double] {
        var lr = base, out: [Double] = []
        for e in 0..<n {
            out.append(lr)
            lr = stepFn(e + 1, lr)
        }
        return out
    }

    func check(_ s: LearningRateSchedule, base: Double, _ want: [Double], file: StaticString = #filePath, line: UInt = #line) {
        for (i, w) in want.enumerated() {
            XCTAssertEqual(s.rate(base: base, step: Int64(i)), w, accuracy: 1e-12 * max(base, 1), "step \(i)", file: file, line: line)
        }
    }

    func testStepAndHalvingFollowStepLRAndMultiStepLR() {
        // StepLR: lr *= gamma when epoch % step_size == 0
        check(LearningRateSchedule(kind: .step(size: 7, gamma: 0.3)), base: 0.1,
              torchRates(40, base: 0.1) { e, lr in e % 7 == 0 ? lr * 0.3 : lr })
        check(LearningRateSchedule(kind: .halving(every: 5, milestones: [])), base: 1e-4,
              torchRates(30, base: 1e-4) { e, lr in e % 5 == 0 ? lr * 0.5 : lr })
        // MultiStepLR: lr *= gamma when epoch is a milestone
        check(LearningRateSchedule(kind: .halving(every: nil, milestones: [3, 10, 11])), base: 2e-4,
              torchRates(20, base: 2e-4) { e, lr in [3, 10, 11].contains(e) ? lr * 0.5 : lr })
        check(LearningRateSchedule(), base: 0.5, Array(repeating: 0.5, count: 5))
    }

    func testCosineFollowsCosineAnnealingLRRecursion() {
        let (tMax, etaMin, base) = (25, 1e-6, 1e-3)
        // torch's recursive form (CosineAnnealingLR.get_lr), valid for epochs 1...T_max
        let want = torchRates(tMax + 1, base: base) { e, lr in
            if (e - 1 - tMax) % (2 * tMax) == 0 { return lr + (base - etaMin) * (1 - Foundation.cos(Double.pi / Double(tMax))) / 2 }
            return (1 + Foundation.cos(Double.pi * Double(e) / Double(tMax))) / (1 + Foundation.cos(Double.pi * Double(e - 1) / Double(tMax)))
                * (lr - etaMin) + etaMin
        }
        let s = LearningRateSchedule(kind: .cosine(tMax: Int64(tMax), etaMin: etaMin))
        check(s, base: base, want)
        XCTAssertEqual(s.rate(base: base, step: Int64(tMax) + 10), etaMin, accuracy: 1e-15, "stays at eta_min after T_max")
    }

    func testLinearWarmupMultipliesTheSchedule() {
        let s = LearningRateSchedule(kind: .halving(every: 4, milestones: []), warmupSteps: 3)
        check(s, base: 0.3, [0.1, 0.2, 0.3, 0.3, 0.15, 0.15, 0.15, 0.15, 0.075])
    }

    func testInvalidSchedulesAreRefused() {
        for bad in [LearningRateSchedule(kind: .step(size: 0, gamma: 0.5)), LearningRateSchedule(kind: .step(size: 3, gamma: -1)),
                    LearningRateSchedule(kind: .halving(every: nil, milestones: [])),
                    LearningRateSchedule(kind: .halving(every: 2, milestones: [4])),
                    LearningRateSchedule(kind: .halving(every: nil, milestones: [5, 5])),
                    LearningRateSchedule(kind: .cosine(tMax: 0, etaMin: 0)), LearningRateSchedule(warmupSteps: -1)] {
            NumericCheck.assertThrows(.invalidArgument, "\(bad)") { try bad.validate() }
        }
    }
}
