import XCTest
@testable import Acla

/// The inference form of CLA/ACLA (GradMode off: values gathered one source at a time,
/// aggregateKeysForInference) against the recorded form and the float64 reference.
final class CLAInferenceTests: XCTestCase {
    /// Whole modules at evaluation: GradMode off (the value conv after the gather) gives what
    /// GradMode on gives up to float rounding, the same gathered keys, and the reference.
    func testInferenceModulesEqualRecordedForwardAndReference() throws {
        for (kind, k) in [(AttentionConfig.Kind.cla, 3), (.acla, 4), (.acla, 16)] {
            let t = try CLATestCase(kind: kind, keys: k)
            let recorded = try t.run(.evaluation).z
            let recordedGathered = t.stack.statistics.map(\.gatheredKeys)
            let inferred = try GradMode.withoutGradients { try t.run(.evaluation).z }
            for (a, b) in zip(inferred, recorded) {
                AttentionTesting.assertClose(Array(a.value.data), b.value.data.map(Double.init),
                                             tolerance: 1e-5, "\(kind) K=\(k): inference vs recorded")
            }
            XCTAssertEqual(t.stack.statistics.map(\.gatheredKeys), recordedGathered, "\(kind) K=\(k)")
            for b in 0..<CLATestCase.batch {
                let ref = t.reference(image: b)
                AttentionTesting.assertClose(AttentionTesting.image(inferred[2].value, b).map(Float.init), ref.z[2],
                                             tolerance: 2e-5, "\(kind) K=\(k) image \(b)")
            }
        }
    }

    /// The weight sums (what a bias of the gathered maps contributes) equal the gather of a map
    /// of ones, with zero padding: 1 inside, less near the border, 0 where every key is closed.
    func testWeightSumsAreTheGatherOfOnes() throws {
        var rng = RandomGenerator(seed: 33)
        let (n, h, w, k, r) = (2, 6, 11, 4, 2)
        let offsets = AttentionTesting.randomTensor([n, 2 * r * k, h, w], &rng, scale: 4)
        let logits = AttentionTesting.randomTensor([n, r * k, h, w], &rng, scale: 3)
        var mask = AttentionTesting.randomTensor([n, r * k, h, w], &rng)
        for i in 0..<mask.count { mask.data[i] = mask.data[i] > 0.3 ? 1 : 0 }
        let ones = Tensor(shape: [n, 1, h, w], repeating: 1)
        let g = try aggregateKeysForInference(present: [true, true], channels: 1, offsets: offsets, logits: logits,
                                              mask: mask, keys: k, weightSums: true) { _ in ones }
        let sums = try XCTUnwrap(g.weightSums)
        AttentionTesting.assertClose(Array(sums.data), g.output.value.data.map(Double.init), tolerance: 1e-6, "sums")
        XCTAssertTrue(sums.data.contains { $0 > 0.999 && $0 < 1.001 }, "interior pixels sum to 1")
        XCTAssertTrue(sums.data.contains { $0 > 0.01 && $0 < 0.99 }, "keys off the map count in part")
    }

    /// The kernels directly: every channel blocking (64, 32, 8 and single floats), maps of more
    /// than one pixel tile with a partial last tile, a closed and a switched-off source, batches.
    func testStreamingAggregationIsBitIdenticalToRecordedKernel() throws {
        var rng = RandomGenerator(seed: 21)
        let (n, h, w, k, r) = (2, 7, 9, 3, 3)
        for c in [3, 11, 40, 72] {
            let v = (0..<r).map { _ in Variable(AttentionTesting.randomTensor([n, c, h, w], &rng)) }
            let offsets = Variable(AttentionTesting.randomTensor([n, 2 * r * k, h, w], &rng, scale: 3))
            let logits = Variable(AttentionTesting.randomTensor([n, r * k, h, w], &rng, scale: 4))
            var m = AttentionTesting.randomTensor([n, r * k, h, w], &rng)
            for i in 0..<m.count { m.data[i] = m.data[i] > -0.2 ? 1 : 0 }
            for mask in [nil, m] {
                let dense = try aggregateKeys(values: v, offsets: offsets, logits: logits,
                                              mask: mask.map { Variable($0) }, keys: k)
                let streamed = try aggregateKeysForInference(present: [true, true, true], channels: c,
                                                             offsets: offsets.value, logits: logits.value,
                                                             mask: mask, keys: k) { v[$0].value }
                XCTAssertEqual(streamed.output.value, dense.output.value, "c=\(c) mask \(mask != nil)")
                XCTAssertEqual(streamed.gathered, dense.gathered, "c=\(c)")
            }
            // Source 1 switched off: its keys closed, its values never asked for.
            var closed = m
            for b in 0..<n { for i in 0..<(k * h * w) { closed.data[(b * r * k + k) * h * w + i] = 0 } }
            let sparse = try aggregateKeys(values: [v[0], nil, v[2]], offsets: offsets, logits: logits,
                                           mask: Variable(closed), keys: k)
            var asked: [Int] = []
            let streamed = try aggregateKeysForInference(present: [true, false, true], channels: c,
                                                         offsets: offsets.value, logits: logits.value,
                                                         mask: closed, keys: k) { asked.append($0); return v[$0].value }
            XCTAssertEqual(asked, [0, 2])
            XCTAssertEqual(streamed.output.value, sparse.output.value, "c=\(c) switched off")
            XCTAssertEqual(streamed.gathered, sparse.gathered)
            closed.data[k * h * w + 5] = 1
            XCTAssertThrowsError(try aggregateKeysForInference(present: [true, false, true], channels: c,
                                                               offsets: offsets.value, logits: logits.value,
                                                               mask: closed, keys: k) { v[$0].value })
        }
    }
}
