import Glibc
import XCTest
@testable import Acla

final class WorkingSetTests: XCTestCase {
    static let configs = [
        #"{"backbone": "edsr", "scale": 2, "blocks": 2, "features": 16}"#,
        #"{"backbone": "edsr", "scale": 3, "blocks": 2, "features": 16}"#,
        #"{"backbone": "edsr", "scale": 4, "blocks": 2, "features": 16}"#,
        #"{"backbone": "edsr", "task": "denoise", "channels": 1, "blocks": 3, "features": 16}"#,
        #"{"backbone": "rcan", "scale": 2, "groups": 2, "blocks": 2, "features": 16, "reduction": 4}"#,
        #"{"backbone": "edsr", "scale": 2, "blocks": 4, "features": 16, "attention": {"kind": "acla", "positions": [1, 3], "keys": 8}}"#,
        #"{"backbone": "edsr", "scale": 2, "blocks": 4, "features": 16, "attention": {"kind": "cla", "positions": [2, 4], "keys": 4}}"#,
        #"{"backbone": "edsr", "scale": 2, "blocks": 4, "features": 16, "attention": {"kind": "nl", "positions": [2]}}"#,
        #"{"backbone": "edsr", "scale": 2, "blocks": 4, "features": 16, "attention": {"kind": "clnl", "positions": [2, 4]}}"#,
        #"{"backbone": "edsr", "scale": 2, "blocks": 4, "features": 16, "attention": {"kind": "se", "positions": [2, 4]}}"#,
        #"{"backbone": "edsr", "scale": 2, "blocks": 4, "features": 16, "attention": {"kind": "acla", "positions": "all", "keys": 4}}"#,
    ]

    /// The estimate bounds the measured peak of tensor memory (first pass: with the Winograd
    /// weight cache; later passes), evaluation and training, on several sizes and batches, and
    /// is not wildly above it (a factor of 4 at most for a first pass, 5 for a training step: small
    /// maps, where the kernels' scratch and
    /// the weight cache dominate, are the loosest).
    func testEstimateBoundsTheMeasuredPeak() throws {
        var rng = TestSeed.generator(17)
        for json in Self.configs {
            for (n, h, w) in [(1, 9, 7), (2, 24, 20), (1, rng.int(30, 60), rng.int(30, 60))] {
                let net = try RestoreTestModels.network(json)
                let ch = net.config.channels
                let x = try Tensor(shape: [n, ch, h, w], data: (0..<(n * ch * h * w)).map { _ in Float(rng.int(0, 255)) })
                let eval = WorkingSet.forwardBytes(net, batch: n, height: h, width: w, training: false)
                for round in 0..<2 {
                    TensorMemory.resetPeak()
                    let base = TensorMemory.inUse
                    _ = try net.forward(x)
                    let peak = TensorMemory.peak - base
                    XCTAssertGreaterThanOrEqual(eval, peak, "eval \(json) \(n)x\(h)x\(w) round \(round) \(TestSeed.note)")
                    if round == 0 { XCTAssertLessThanOrEqual(eval, 4 * peak, "eval \(json) \(n)x\(h)x\(w)") }
                }
                let trainer = try Trainer(network: net, options: TrainerOptions())
                let s = net.config.scale
                let target = try Tensor(shape: [n, ch, h * s, w * s], data: (0..<(n * ch * h * w * s * s)).map { _ in Float(rng.int(0, 255)) })
                let train = WorkingSet.forwardBytes(net, batch: n, height: h, width: w, training: true)
                TensorMemory.resetPeak()
                let base = TensorMemory.inUse
                try trainer.step(input: x, target: target)
                let peak = TensorMemory.peak - base
                XCTAssertGreaterThanOrEqual(train, peak, "train \(json) \(n)x\(h)x\(w) \(TestSeed.note)")
                XCTAssertLessThanOrEqual(train, 5 * peak, "train \(json) \(n)x\(h)x\(w)")
            }
        }
    }

    /// Over the limit, a forward and a restore are refused before allocating any tensor memory
    /// (the measured peak does not move), naming the estimate and the limit; the restore's
    /// output is untouched. 0 restores the default.
    func testOverTheLimitNothingIsAllocated() throws {
        let net = try RestoreTestModels.network(Self.configs[0])
        let x = try Tensor(shape: [1, 3, 64, 64], data: (0..<(3 * 64 * 64)).map { Float($0 % 251) })
        let estimate = WorkingSet.forwardBytes(net, batch: 1, height: 64, width: 64, training: false)
        try MemoryLimit.set(estimate - 1)
        defer { try? MemoryLimit.set(0) }
        TensorMemory.resetPeak()
        let before = TensorMemory.inUse
        XCTAssertThrowsError(try net.forward(x)) { error in
            let e = error as? AclaError
            XCTAssertEqual(e?.status, .outOfMemory)
            XCTAssertTrue(e?.message.contains("\(estimate) bytes") ?? false, e?.message ?? "")
            XCTAssertTrue(e?.message.contains("\(estimate - 1) bytes") ?? false, e?.message ?? "")
        }
        XCTAssertEqual(TensorMemory.peak, before, "a refused forward allocated tensor memory")
        let restorer = Restorer(network: net)
        let plan = try restorer.plan(channels: 3, height: 64, width: 64, options: RestoreOptions(tile: 0))
        let input = [UInt8](repeating: 90, count: plan.inputCount)
        var output = [UInt8](repeating: 17, count: plan.outputCount)
        try input.withUnsafeBufferPointer { src in
            try output.withUnsafeMutableBufferPointer { dst in
                XCTAssertThrowsError(try restorer.restore(plan, input: src, output: dst)) {
                    XCTAssertEqual(($0 as? AclaError)?.status, .outOfMemory)
                }
            }
        }
        XCTAssertTrue(output.allSatisfy { $0 == 17 }, "a refused restore wrote its output")
        try MemoryLimit.set(estimate)
        _ = try net.forward(x)
        try MemoryLimit.set(0)
        XCTAssertEqual(MemoryLimit.bytes, MemoryLimit.defaultBytes)
        XCTAssertThrowsError(try MemoryLimit.set(-1))
    }

    /// Behind the estimate, an allocation that still fails (here: 1 GiB under an address-space
    /// limit of 256 MiB more than the process uses) is `AclaError.outOfMemory`, never a trap.
    func testAllocationFailureIsStillAnError() throws {
        var saved = rlimit()
        XCTAssertEqual(getrlimit(Int32(RLIMIT_AS.rawValue), &saved), 0)
        guard let used = MemoryLimit.virtualSize() else { throw XCTSkip("no /proc/self/statm") }
        var tight = saved
        tight.rlim_cur = rlim_t(used + (256 << 20))
        XCTAssertEqual(setrlimit(Int32(RLIMIT_AS.rawValue), &tight), 0)
        defer { _ = setrlimit(Int32(RLIMIT_AS.rawValue), &saved) }
        XCTAssertThrowsError(try Tensor(uninitialized: [1 << 28], what: "test tensor")) {
            XCTAssertEqual(($0 as? AclaError)?.status, .outOfMemory)
            XCTAssertTrue(($0 as? AclaError)?.message.contains("could not allocate 1073741824 bytes") ?? false)
        }
    }
}
