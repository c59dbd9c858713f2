import XCTest
@testable import Acla

/// Parameter names, shapes, order and initial values of ATTENTION.md section 7 and the tables of
/// sections 3, 4 and 6.
final class AttentionParameterTests: XCTestCase {
    func testRingPattern() {
        func pairs(_ k: Int) -> [[Float]] { RingPattern.offsets(keys: k).map { [$0.dy, $0.dx] } }
        XCTAssertEqual(pairs(1), [[0, 1]])
        XCTAssertEqual(pairs(4), [[0, 1], [1, 0], [0, -1], [-1, 0]])
        let eight: [[Float]] = [[0, 1], [1, 1], [1, 0], [1, -1], [0, -1], [-1, -1], [-1, 0], [-1, 1]]
        XCTAssertEqual(pairs(8), eight)
        XCTAssertEqual(pairs(16), eight + eight.map { $0.map { 2 * $0 } })
        let three = pairs(3)   // angles 0, 120, 240 degrees, scaled so the larger coordinate is 1
        XCTAssertEqual(three[1][0], 1, accuracy: 1e-6)
        XCTAssertEqual(three[1][1], Float(-1 / 3.0.squareRoot()), accuracy: 1e-6)
    }

    func testCLAAndACLANamesShapesAndInitialisation() throws {
        for kind in [AttentionConfig.Kind.cla, .acla] {
            let (c, k) = (4, 8)
            let (_, store) = try AttentionTesting.makeStack(AttentionConfig(kind: kind, positions: .list([2, 3]), keys: k),
                                                            features: c, layers: 3, seed: 17)
            var expected: [String] = []
            for j in [2, 3] {
                var fields = ["offset", "logits", "value", "out"]
                if kind == .acla { fields.append("gate") }
                for f in fields { expected += ["attention.\(j).\(f).weight", "attention.\(j).\(f).bias"] }
            }
            XCTAssertEqual(store.names, expected)
            // the only draws: value of module 2, then value of module 3 (PyTorch default: weight, bias)
            var rng = RandomGenerator(seed: 17)
            let bound = 1 / Double(c).squareRoot()
            for (j, r) in [(2, 1), (3, 2)] {
                let p = "attention.\(j)."
                XCTAssertEqual(store[p + "offset.weight"]!.value, Tensor(zeros: [2 * k * r, c, 1, 1]))
                let ring = RingPattern.offsets(keys: k).flatMap { [$0.dy, $0.dx] }
                XCTAssertEqual(Array(store[p + "offset.bias"]!.value.data), Array([[Float]](repeating: ring, count: r).joined()))
                XCTAssertEqual(store[p + "logits.weight"]!.value, Tensor(zeros: [k * r, c, 1, 1]))
                XCTAssertEqual(store[p + "logits.bias"]!.value, Tensor(zeros: [k * r]))
                let weight = (0..<(c * c)).map { _ in Float(-bound + 2 * bound * rng.uniform()) }
                let bias = (0..<c).map { _ in Float(-bound + 2 * bound * rng.uniform()) }
                XCTAssertEqual(store[p + "value.weight"]!.value, try Tensor(shape: [c, c, 1, 1], data: weight))
                XCTAssertEqual(Array(store[p + "value.bias"]!.value.data), bias)
                XCTAssertEqual(store[p + "out.weight"]!.value, Tensor(zeros: [c, c, 1, 1]))
                XCTAssertEqual(store[p + "out.bias"]!.value, Tensor(zeros: [c]))
                if kind == .acla {
                    XCTAssertEqual(store[p + "gate.weight"]!.value, Tensor(zeros: [1, c, 1, 1]))
                    XCTAssertEqual(store[p + "gate.bias"]!.value.data, [3])
                }
            }
        }
    }

    func testNonLocalNamesAndInitialisation() throws {
        let c = 6
        let (_, store) = try AttentionTesting.makeStack(AttentionConfig(kind: .clnl, positions: .list([1])), features: c, layers: 2, seed: 4)
        XCTAssertEqual(store.names, ["theta", "phi", "g", "out"].flatMap { ["attention.1.\($0).weight", "attention.1.\($0).bias"] })
        var rng = RandomGenerator(seed: 4)
        let bound = 1 / Double(c).squareRoot()
        for f in ["theta", "phi", "g"] {
            let w = (0..<(3 * c)).map { _ in Float(-bound + 2 * bound * rng.uniform()) }
            let b = (0..<3).map { _ in Float(-bound + 2 * bound * rng.uniform()) }
            XCTAssertEqual(Array(store["attention.1.\(f).weight"]!.value.data), w)
            XCTAssertEqual(store["attention.1.\(f).weight"]!.shape, [3, c, 1, 1])
            XCTAssertEqual(Array(store["attention.1.\(f).bias"]!.value.data), b)
        }
        XCTAssertEqual(store["attention.1.out.weight"]!.value, Tensor(zeros: [c, 3, 1, 1]))
    }

    /// Registration continues the backbone's generator: the backbone's draws are unchanged.
    func testAttentionRegistersAfterTheBackboneFromOneGenerator() throws {
        func build(_ attention: AttentionConfig) throws -> ParameterStore {
            let store = ParameterStore()
            var rng = RandomGenerator(seed: 5)
            _ = try Conv2dLayer("head.0", in: 3, out: 4, kernel: 3, store: store, rng: &rng)
            _ = try AttentionFactory.make(attention, features: 4, layers: 2, store: store, rng: &rng)
            return store
        }
        let plain = try build(.none), with = try build(AttentionConfig(kind: .acla, positions: .list([1, 2])))
        XCTAssertEqual(Array(with.names.prefix(2)), plain.names)
        XCTAssertEqual(with["head.0.weight"]!.value, plain["head.0.weight"]!.value)
    }

    func testInvalidConfigsAreNamedErrors() throws {
        var rng = RandomGenerator(seed: 1)
        let cases: [(AttentionConfig, String)] = [
            (AttentionConfig(kind: .cla, positions: .list([0])), "0"),
            (AttentionConfig(kind: .cla, positions: .list([4])), "4"),
            (AttentionConfig(kind: .acla, positions: .list([2, 2])), "sorted"),
            (AttentionConfig(kind: .acla, positions: .list([1]), keys: 0), "keys"),
            (AttentionConfig(kind: .acla, positions: .list([1]), keys: 100_000), "keys"),
        ]
        for (config, text) in cases {
            XCTAssertThrowsError(try AttentionFactory.make(config, features: 4, layers: 3, store: ParameterStore(), rng: &rng)) {
                XCTAssert(($0 as? AclaError)?.message.contains(text) ?? false, "\($0)")
            }
        }
        XCTAssertThrowsError(try AttentionFactory.make(AttentionConfig(kind: .nl, positions: .list([1])), features: 1, layers: 3,
                                                       store: ParameterStore(), rng: &rng))
    }

    /// A stack refuses to run out of order (begin not called, or a source layer not yet seen).
    func testStackStateErrors() throws {
        let (stack, _) = try AttentionTesting.makeStack(AttentionConfig(kind: .cla, positions: .list([1, 2])), features: 3, layers: 2)
        let x = Variable(Tensor(zeros: [1, 3, 2, 2]))
        XCTAssertThrowsError(try stack.apply(afterLayer: 1, x, pass: .evaluation)) {
            XCTAssertEqual(($0 as? AclaError)?.status, .state)
        }
        let pass = ForwardPass()
        try stack.begin(pass: pass)
        XCTAssertThrowsError(try stack.apply(afterLayer: 2, x, pass: pass)) {
            XCTAssertEqual(($0 as? AclaError)?.status, .state)
        }
        try stack.begin(pass: pass)
        XCTAssertThrowsError(try stack.apply(afterLayer: 1, Variable(Tensor(zeros: [1, 5, 2, 2])), pass: pass)) {
            XCTAssertEqual(($0 as? AclaError)?.status, .shape)
        }
    }
}
