import XCTest
@testable import Acla

/// How a Network drives its AttentionStack (ATTENTION.md sections 2 and 7), with a recording
/// stand-in for the real modules.
final class ModelAttentionHookTests: XCTestCase {
    final class RecordingStack: AttentionStack {
        var calls: [String] = []
        var shapes: [[Int]] = []
        let bump: Float
        let weight: Variable
        init(store: ParameterStore, rng: inout RandomGenerator, bump: Float) throws {
            self.bump = bump
            weight = try store.register("attention.2.out.weight", Tensor(shape: [3], data: (0..<3).map { _ in Float(rng.uniform()) }))
        }
        func begin(pass: ForwardPass) { calls.append("begin") }
        func apply(afterLayer layer: Int, _ x: Variable, pass: ForwardPass) throws -> Variable {
            calls.append("apply \(layer)")
            shapes.append(x.shape)
            return layer == 2 ? try x.value.map { $0 + bump }.asVariable : x
        }
        func macs(height: Int, width: Int) -> UInt64 { UInt64(height * width * 1000) }
    }

    let json = #"{"backbone": "rcan", "scale": 2, "groups": 3, "blocks": 1, "features": 4, "reduction": 2, "seed": 12, "attention": {"kind": "cla", "positions": [2]}}"#

    func build(bump: Float) throws -> (Network, RecordingStack) {
        var stack: RecordingStack?
        let net = try Network(config: ModelConfig.parse(json)) { a, f, l, store, rng in
            XCTAssertEqual(a.kind, .cla)
            XCTAssertEqual(f, 4)
            XCTAssertEqual(l, 3)
            stack = try RecordingStack(store: store, rng: &rng, bump: bump)
            return stack
        }
        return (net, stack!)
    }

    func testApplyAfterEveryLayerInOrder() throws {
        let (net, stack) = try build(bump: 0)
        let x = Tensor(shape: [2, 3, 4, 5], repeating: 100)
        _ = try net.forward(x)
        _ = try net.forward(x)
        let pass = ["begin", "apply 1", "apply 2", "apply 3"]
        XCTAssertEqual(stack.calls, pass + pass)
        XCTAssertTrue(stack.shapes.allSatisfy { $0 == [2, 4, 4, 5] })
    }

    /// Backbone first from the generator: attention leaves the backbone's initial weights unchanged,
    /// and an identity stack computes exactly the plain backbone.
    func testBackboneUnchangedByAttention() throws {
        let (net, _) = try build(bump: 0)
        var plainConfig = net.config
        plainConfig.attention = .none
        let plain = try Network(config: plainConfig)
        XCTAssertEqual(Array(net.parameters.names.dropLast()), plain.parameters.names)
        XCTAssertEqual(net.parameters.names.last, "attention.2.out.weight")
        for name in plain.parameters.names { XCTAssertEqual(net.parameters[name]!.value, plain.parameters[name]!.value, name) }
        let x = Tensor(shape: [1, 3, 3, 4], repeating: 50)
        XCTAssertEqual(try net.forward(x), try plain.forward(x))
        XCTAssertEqual(net.parameterCount, plain.parameterCount + 3)
    }

    func testStackOutputFeedsTheNextLayer() throws {
        let (net, _) = try build(bump: 1)
        var plainConfig = net.config
        plainConfig.attention = .none
        let plain = try Network(config: plainConfig)
        let x = Tensor(shape: [1, 3, 3, 4], repeating: 50)
        XCTAssertGreaterThan(try net.forward(x).maxAbsDifference(plain.forward(x)), 0)
    }

    func testMacsAddAttentionOnTheBodyMapSize() throws {
        let (net, _) = try build(bump: 0)
        XCTAssertEqual(try net.macs(height: 6, width: 7), try net.layout.macs(height: 6, width: 7) + 42_000)
    }

    /// Through the real factory: built once the attention kinds exist; until then an unsupported
    /// error, never a crash.
    func testRealFactoryBuildsOrReportsUnsupported() throws {
        do {
            let net = try Network(config: ModelConfig.parse(json))
            XCTAssertNotNil(net.attention)
        } catch let e as AclaError {
            XCTAssertEqual(e.status, .unsupported, e.message)
        }
    }
}

private extension Tensor {
    var asVariable: Variable { Variable(self) }
}
