import XCTest
@testable import Acla

/// channelScale, globalAveragePool, softmaxChannels and pixelShuffle against float64 references.
final class OpChannelTests: XCTestCase {
    func testChannelScale() throws {
        var rng = TestSeed.generator(301)
        for (n, c, h, w) in [(2, 3, 4, 5), (1, 4, 12, 12), (3, 1, 1, 1)] {
            try NumericCheck.checkOp([rng.tensor([n, c, h, w]), rng.tensor([n, c, 1, 1], -2, 2)], rng: &rng,
                                     "channelScale \(n)x\(c)x\(h)x\(w)",
                                     op: { try channelScale($0[0], $0[1]) },
                                     reference: { Reference64.channelScale($0[0], $0[1]) })
        }
    }

    /// The fused form (RCAB's tail): x * s + r, with the gradient reaching r, against float64.
    func testChannelScaleAddingAResidual() throws {
        var rng = TestSeed.generator(305)
        for (n, c, h, w) in [(2, 3, 4, 5), (1, 4, 12, 12), (3, 1, 1, 1), (1, 2, 7, 33)] {
            try NumericCheck.checkOp([rng.tensor([n, c, h, w]), rng.tensor([n, c, 1, 1], -2, 2), rng.tensor([n, c, h, w])],
                                     rng: &rng, "channelScale + residual \(n)x\(c)x\(h)x\(w)",
                                     op: { try channelScale($0[0], $0[1], adding: $0[2]) },
                                     reference: { Reference64.add(Reference64.channelScale($0[0], $0[1]), $0[2]) })
            // the same values as the two ops it replaces
            let (x, s, r) = (Variable(rng.tensor([n, c, h, w])), Variable(rng.tensor([n, c, 1, 1])), Variable(rng.tensor([n, c, h, w])))
            XCTAssertEqual(Array(try channelScale(x, s, adding: r).value.data), Array(try add(channelScale(x, s), r).value.data))
        }
        let x = Variable(rng.tensor([1, 2, 3, 3]))
        NumericCheck.assertThrows(.shape, "residual shape") {
            try channelScale(x, Variable(rng.tensor([1, 2, 1, 1])), adding: Variable(rng.tensor([1, 2, 3, 4])))
        }
    }

    func testGlobalAveragePool() throws {
        var rng = TestSeed.generator(302)
        for s in [[2, 3, 4, 5], [1, 2, 12, 12], [2, 2, 1, 1]] {
            try NumericCheck.checkOp([rng.tensor(s, -1, 3)], rng: &rng, "globalAveragePool \(s)",
                                     op: { try globalAveragePool($0[0]) },
                                     reference: { Reference64.globalAveragePool($0[0]) })
        }
    }

    func testSoftmaxChannels() throws {
        var rng = TestSeed.generator(303)
        for s in [[2, 5, 3, 4], [1, 16, 6, 6], [1, 1, 2, 2], [3, 2, 1, 1]] {
            try NumericCheck.checkOp([rng.tensor(s, -3, 3)], rng: &rng, "softmaxChannels \(s)",
                                     op: { try softmaxChannels($0[0]) },
                                     reference: { Reference64.softmaxChannels($0[0]) })
        }
        // Large logits: the max is subtracted, nothing overflows.
        let big = rng.tensor([1, 4, 3, 3], 60, 90)
        let y = try softmaxChannels(Variable(big))
        NumericCheck.assertClose(y.value, Reference64.softmaxChannels(Tensor64(big)), "softmax of large logits")
    }

    func testPixelShuffle() throws {
        var rng = TestSeed.generator(304)
        for (r, n, c, h, w) in [(2, 2, 2, 3, 4), (3, 1, 1, 4, 3), (2, 1, 3, 5, 5), (1, 1, 2, 3, 3)] {
            try NumericCheck.checkOp([rng.tensor([n, c * r * r, h, w])], rng: &rng, "pixelShuffle r\(r)",
                                     op: { try pixelShuffle($0[0], factor: r) },
                                     reference: { Reference64.pixelShuffle($0[0], r) })
        }
    }

    /// A hand-checked layout case: PyTorch's channel order (i, j) -> c*r*r + i*r + j.
    func testPixelShuffleLayout() throws {
        let x = try Tensor(shape: [1, 4, 1, 2], data: [1, 2, 3, 4, 5, 6, 7, 8])
        let y = try pixelShuffle(Variable(x), factor: 2)
        XCTAssertEqual(y.shape, [1, 1, 2, 4])
        XCTAssertEqual(y.value.data, [1, 3, 2, 4, 5, 7, 6, 8])
    }
}
