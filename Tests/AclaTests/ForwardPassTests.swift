import XCTest
import Foundation
@testable import Acla

/// The network is read-only during a forward: passes carry everything a call produces.
final class ForwardPassTests: XCTestCase {
    let json = #"{"backbone": "edsr", "scale": 2, "blocks": 3, "features": 8, "seed": 4, "attention": {"kind": "acla", "positions": [1, 3], "keys": 4}}"#

    /// Random weights everywhere (attention outputs are zero at initialisation).
    func makeNetwork() throws -> Network {
        let net = try Network(config: ModelConfig.parse(json))
        var rng = TestSeed.generator(90)
        for (name, v) in net.parameters.parameters where !name.hasSuffix("mean.weight") {
            try v.assign(rng.tensor(v.shape, -0.3, 0.3))
        }
        return net
    }

    /// Two passes on one model from two threads at once equal the same passes run one after the other.
    func testConcurrentPassesEqualSequentialOnes() throws {
        let net = try makeNetwork()
        var rng = TestSeed.generator(91)
        let inputs = [rng.tensor([1, 3, 12, 10], 0, 255), rng.tensor([2, 3, 7, 9], 0, 255)]
        func pass(_ i: Int) -> ForwardPass {
            let p = ForwardPass()
            p.probe = ProbePixel(y: 2 + i, x: 3)
            return p
        }
        let sequential = try inputs.indices.map { i -> (Tensor, [AttentionModuleStatistics]) in
            let p = pass(i)
            return (try net.forward(inputs[i], pass: p), p.statistics)
        }
        final class Results: @unchecked Sendable { var out: [(Tensor, [AttentionModuleStatistics])?] = [nil, nil]; var errors: [Error] = [] }
        let results = Results()
        let lock = NSLock()
        for _ in 0..<3 {
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                do {
                    let p = pass(i)
                    let y = try net.forward(inputs[i], pass: p)
                    lock.lock(); results.out[i] = (y, p.statistics); lock.unlock()
                } catch {
                    lock.lock(); results.errors.append(error); lock.unlock()
                }
            }
            XCTAssert(results.errors.isEmpty, "\(results.errors)")
            for i in 0..<2 {
                let got = try XCTUnwrap(results.out[i])
                XCTAssertEqual(got.0, sequential[i].0, "pass \(i): bit-identical output")
                XCTAssertEqual(got.1.map(\.gatheredKeys), sequential[i].1.map(\.gatheredKeys))
                XCTAssertEqual(got.1.map(\.probe), sequential[i].1.map(\.probe))
                XCTAssertEqual(got.1.map(\.batch), [inputs[i].shape[0], inputs[i].shape[0]])
            }
        }
        // the network's record is the last finished pass's, whichever thread it ran on
        let record = try XCTUnwrap(net.attention?.statistics)
        XCTAssert(record.allSatisfy(\.hasRun))
    }

    func testCancelStopsBetweenLayers() throws {
        let net = try makeNetwork()
        let p = ForwardPass()
        var checks = 0
        p.shouldCancel = { checks += 1; return checks > 2 }
        var rng = TestSeed.generator(92)
        XCTAssertThrowsError(try net.forward(rng.tensor([1, 3, 6, 6], 0, 255), pass: p)) {
            XCTAssertEqual(($0 as? AclaError)?.status, .cancelled)
        }
        XCTAssertEqual(checks, 3, "checked before each body layer: cancelled before the third")
    }

    /// A workspace makes repeated calls of one shape reuse their buffers: the second call
    /// allocates (almost) nothing from the heap and gives the same output.
    func testWorkspaceReusesBuffersAcrossCalls() throws {
        let net = try makeNetwork()
        var rng = TestSeed.generator(93)
        let x = rng.tensor([1, 3, 16, 16], 0, 255)
        let p = ForwardPass()
        p.workspace = Workspace()
        let first = try net.forward(x, pass: p)
        let before = AllocationCounter.snapshot.allocations
        let second = try net.forward(x, pass: p)
        let allocations = AllocationCounter.snapshot.allocations - before
        XCTAssertEqual(first, second)
        // only the output outlives the call (it is still held as `first`), so at most a handful
        XCTAssertLessThanOrEqual(allocations, 3, "second call allocated \(allocations) tensors from the heap")
        let plain = try net.forward(x)
        XCTAssertEqual(plain, first, "pooled and heap storage compute the same")
    }

    func testRNGStateRoundTrips() {
        var a = RandomGenerator(seed: 17)
        _ = (0..<5).map { _ in a.next() }
        var b = RandomGenerator(state: a.state)
        XCTAssertEqual((0..<10).map { _ in a.next() }, (0..<10).map { _ in b.next() })
    }
}
