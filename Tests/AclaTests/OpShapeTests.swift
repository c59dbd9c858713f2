import XCTest
@testable import Acla

/// Bad shapes are AclaErrors (status .shape, or .invalidArgument / .outOfMemory for absurd
/// sizes), never traps; empty tensors either work or are such an error.
final class OpShapeTests: XCTestCase {
    private var rng = TestSeed.generator(501)
    private func v(_ shape: [Int], grad: Bool = true) -> Variable {
        Variable(rng.tensor(shape), requiresGrad: grad)
    }

    func testConv2dShapeErrors() {
        let x = v([1, 2, 5, 5])
        let cases: [(String, Variable, Variable, Variable?)] = [
            ("input rank 3", v([2, 5, 5]), v([3, 2, 3, 3]), nil),
            ("weight rank 3", x, v([3, 2, 3]), nil),
            ("even kernel", x, v([3, 2, 2, 2]), nil),
            ("non-square kernel", x, v([3, 2, 3, 1]), nil),
            ("input channels differ", x, v([3, 4, 3, 3]), nil),
            ("bias length", x, v([3, 2, 3, 3]), v([2])),
            ("bias rank", x, v([3, 2, 3, 3]), v([3, 1])),
            ("no input channels", v([1, 0, 4, 4]), v([2, 0, 3, 3]), nil),
            ("empty map", v([1, 2, 0, 4]), v([2, 2, 3, 3]), nil),
            ("empty batch", v([0, 2, 4, 4]), v([2, 2, 1, 1]), v([2])),
            ("no output channels", x, v([0, 2, 3, 3]), v([0])),
        ]
        for (what, x, w, b) in cases {
            NumericCheck.assertThrows(.shape, "conv2d \(what)") { try conv2d(x, weight: w, bias: b) }
        }
    }

    func testElementwiseAndLossShapeErrors() {
        let (a, b, c) = (v([2, 3]), v([3, 2]), v([2, 3, 1]))
        NumericCheck.assertThrows(.shape, "add") { try add(a, b) }
        NumericCheck.assertThrows(.shape, "add rank") { try add(a, c) }
        NumericCheck.assertThrows(.shape, "multiply") { try multiply(a, b) }
        NumericCheck.assertThrows(.shape, "l1Loss") { try l1Loss(a, b) }
        NumericCheck.assertThrows(.shape, "mseLoss") { try mseLoss(c, a) }
    }

    func testChannelOpShapeErrors() {
        let x = v([2, 3, 4, 4])
        NumericCheck.assertThrows(.shape, "channelScale input rank") { try channelScale(v([3, 4, 4]), v([1, 3, 1, 1])) }
        NumericCheck.assertThrows(.shape, "channelScale scale rank") { try channelScale(x, v([2, 3])) }
        NumericCheck.assertThrows(.shape, "channelScale scale map") { try channelScale(x, v([2, 3, 1, 2])) }
        NumericCheck.assertThrows(.shape, "channelScale scale batch") { try channelScale(x, v([1, 3, 1, 1])) }
        NumericCheck.assertThrows(.shape, "globalAveragePool rank") { try globalAveragePool(v([3, 4, 4])) }
        NumericCheck.assertThrows(.shape, "globalAveragePool empty map") { try globalAveragePool(v([1, 2, 0, 3])) }
        NumericCheck.assertThrows(.shape, "softmaxChannels rank") { try softmaxChannels(v([4, 4])) }
        NumericCheck.assertThrows(.shape, "pixelShuffle rank") { try pixelShuffle(v([4, 2, 2]), factor: 2) }
        NumericCheck.assertThrows(.shape, "pixelShuffle channels") { try pixelShuffle(v([1, 6, 2, 2]), factor: 2) }
        NumericCheck.assertThrows(.shape, "pixelShuffle r 3") { try pixelShuffle(v([1, 4, 2, 2]), factor: 3) }
        for r in [0, -1, Int.min] {
            NumericCheck.assertThrows(.invalidArgument, "pixelShuffle factor \(r)") { try pixelShuffle(x, factor: r) }
        }
        // r*r overflows Int: must be an error, not an arithmetic trap.
        for r in [Int.max, 1 << 32, 3_037_000_500] {
            NumericCheck.assertThrows(.outOfMemory, "pixelShuffle factor \(r)") { try pixelShuffle(x, factor: r) }
        }
        NumericCheck.assertThrows(.shape, "pixelShuffle factor 2^20") { try pixelShuffle(x, factor: 1 << 20) }
        // No channels: the output would be empty but its map absurdly large.
        NumericCheck.assertThrows(.outOfMemory, "pixelShuffle empty, huge map") {
            try pixelShuffle(Variable(Tensor(zeros: [1, 0, 1 << 20, 4])), factor: 1 << 20)
        }
    }

    func testGateSamplingShapeErrors() {
        let gates = v([2, 1, 4, 5])
        let cases: [(String, Variable, Variable)] = [
            ("gate rank", v([1, 4, 5]), v([2, 2, 4, 5])),
            ("gate channels", v([2, 3, 4, 5]), v([2, 2, 4, 5])),
            ("offsets rank", gates, v([2, 2, 20])),
            ("offset channels", gates, v([2, 4, 4, 5])),
            ("batch", gates, v([1, 2, 4, 5])),
            ("height", gates, v([2, 2, 5, 5])),
            ("width", gates, v([2, 2, 4, 4])),
        ]
        for (what, a, b) in cases {
            NumericCheck.assertThrows(.shape, "sampleGates \(what)") { try sampleGates([a], offsets: b, keys: 1) }
        }
    }

    func testBackwardSeedShape() throws {
        let y = try relu(v([2, 3]))
        NumericCheck.assertThrows(.shape, "seed shape") { try y.backward(gradient: Tensor(zeros: [3, 2])) }
    }

    /// Empty tensors through every op that accepts them: right shapes, no trap, forward and back.
    func testEmptyTensorsWork() throws {
        func run(_ what: String, _ inputs: [Variable], _ op: ([Variable]) throws -> Variable, _ shape: [Int]) throws {
            let y = try op(inputs)
            XCTAssertEqual(y.shape, shape, what)
            try y.backward(gradient: Tensor(zeros: y.shape))
            for x in inputs { XCTAssertEqual(x.grad?.shape, x.shape, what) }
        }
        let e = [0, 3, 2, 2]
        try run("relu", [v(e)], { try relu($0[0]) }, e)
        try run("sigmoid", [v(e)], { try sigmoid($0[0]) }, e)
        try run("scale", [v(e)], { try scale($0[0], by: 2) }, e)
        try run("add", [v(e), v(e)], { try add($0[0], $0[1]) }, e)
        try run("multiply", [v(e), v(e)], { try multiply($0[0], $0[1]) }, e)
        try run("softmax no channels", [v([1, 0, 2, 2])], { try softmaxChannels($0[0]) }, [1, 0, 2, 2])
        try run("softmax no batch", [v(e)], { try softmaxChannels($0[0]) }, e)
        try run("channelScale", [v(e), v([0, 3, 1, 1])], { try channelScale($0[0], $0[1]) }, e)
        try run("channelScale empty map", [v([1, 2, 0, 3]), v([1, 2, 1, 1])], { try channelScale($0[0], $0[1]) }, [1, 2, 0, 3])
        try run("globalAveragePool", [v(e)], { try globalAveragePool($0[0]) }, [0, 3, 1, 1])
        try run("pixelShuffle", [v([0, 4, 2, 2])], { try pixelShuffle($0[0], factor: 2) }, [0, 1, 4, 4])
        try run("pixelShuffle empty map", [v([1, 4, 0, 3])], { try pixelShuffle($0[0], factor: 2) }, [1, 1, 0, 6])
        try run("sampleGates empty map", [v([1, 1, 0, 3]), v([1, 2, 0, 3])],
                { try sampleGates([$0[0]], offsets: $0[1], keys: 1) }, [1, 1, 0, 3])
        try run("l1Loss", [v(e), v(e)], { try l1Loss($0[0], $0[1]) }, [1])
        try run("mseLoss", [v([0]), v([0])], { try mseLoss($0[0], $0[1]) }, [1])
        XCTAssertEqual(try l1Loss(v(e), v(e)).value.data, [0])
    }
}
