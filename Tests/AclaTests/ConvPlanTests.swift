import Foundation
import XCTest
@testable import Acla

/// ConvolutionPlan: the algorithm per shape, every algorithm against the reference (forward and
/// gradients), the weight cache keyed by the weight's version, and concurrent use.
final class ConvPlanTests: XCTestCase {
    func testAutomaticChoice() {
        func pick(_ cin: Int, _ cout: Int, _ k: Int, _ h: Int, _ w: Int, _ level: CPULevel) -> ConvolutionAlgorithm {
            ConvolutionPlan.automatic(inChannels: cin, outChannels: cout, kernelSize: k, height: h, width: w, level: level)
        }
        XCTAssertNotNil(pick(64, 64, 3, 64, 64, .avx2).winogradTile, "EDSR body conv")
        XCTAssertNotNil(pick(256, 256, 3, 48, 48, .avx512).winogradTile, "EDSR body conv")
        XCTAssertEqual(pick(64, 64, 3, 64, 64, .portable), .im2col, "no Winograd without AVX2")
        XCTAssertEqual(pick(64, 64, 1, 64, 64, .avx512), .im2col, "1x1")
        XCTAssertEqual(pick(64, 64, 5, 64, 64, .avx512), .im2col, "5x5")
        XCTAssertNotNil(pick(3, 64, 3, 64, 64, .avx512).winogradTile, "head: 3 input channels")
        XCTAssertNotNil(pick(64, 3, 3, 64, 64, .avx2).winogradTile, "tail: 3 output channels")
        XCTAssertEqual(pick(64, 64, 3, 3, 64, .avx512), .im2col, "a map lower than one tile")
    }

    /// The process-wide override: forces every plan (Winograd only where the kernel is 3x3), a
    /// layer's own override wins, and it is restored.
    func testProcessOverride() {
        let plan3 = ConvolutionPlan(inChannels: 8, outChannels: 8, kernelSize: 3)
        let plan1 = ConvolutionPlan(inChannels: 8, outChannels: 8, kernelSize: 1)
        let before = plan3.algorithm(height: 32, width: 32)
        ConvolutionPlan.withAlgorithm(.winograd6x6) {
            XCTAssertEqual(plan3.algorithm(height: 32, width: 32), .winograd6x6)
            XCTAssertEqual(plan1.algorithm(height: 32, width: 32), .im2col, "Winograd is for 3x3 only")
            plan3.algorithmOverride = .reference
            XCTAssertEqual(plan3.algorithm(height: 32, width: 32), .reference)
            plan3.algorithmOverride = nil
        }
        XCTAssertEqual(plan3.algorithm(height: 32, width: 32), before)
    }

    /// Every algorithm through a plan, on odd shapes, forward and all gradients against the
    /// reference kernel (the backward runs im2col after a Winograd forward).
    func testEveryAlgorithmAgainstReference() throws {
        var rng = TestSeed.generator(841)
        for (n, cin, cout, h, w, k) in [(2, 5, 7, 9, 11, 3), (1, 17, 9, 13, 6, 3), (3, 3, 2, 2, 1, 3), (2, 6, 5, 7, 8, 1),
                                        (1, 4, 3, 6, 5, 5)] {
            let x = rng.tensor([n, cin, h, w]), wt = rng.tensor([cout, cin, k, k], -0.5, 0.5), b = rng.tensor([cout])
            let res = rng.tensor([n, cout, h, w]), dy = rng.tensor([n, cout, h, w])
            func run(_ a: ConvolutionAlgorithm, _ ep: (Variable) -> ConvolutionEpilogue) throws -> [Tensor] {
                let plan = ConvolutionPlan(inChannels: cin, outChannels: cout, kernelSize: k)
                plan.algorithmOverride = a
                let v = [x, wt, b, res].map { Variable($0, requiresGrad: true) }
                let y = try plan.forward(v[0], weight: v[1], bias: v[2], epilogue: ep(v[3]))
                try y.backward(gradient: dy)
                return [y.value] + v.map { $0.grad ?? Tensor(zeros: $0.shape) }
            }
            for ep in [{ (_: Variable) in ConvolutionEpilogue.relu }, { ConvolutionEpilogue.residual($0, scale: 0.5) }] {
                let ref = try run(.reference, ep)
                for a in ConvolutionAlgorithm.allCases where a != .reference {
                    for (i, (got, want)) in zip(try run(a, ep), ref).enumerated() {
                        NumericCheck.assertClose(got, Tensor64(want), tolerance: a.winogradTile == nil ? 2e-6 : 3e-5,
                                                 "\(a) n\(n) \(cin)->\(cout) \(h)x\(w) k\(k) \(ep(Variable(res))) result \(i)")
                    }
                }
            }
        }
    }

    /// The fused op's backward after a Winograd forward, against finite differences through the
    /// float64 reference.
    func testWinogradPlanGradientsByFiniteDifferences() throws {
        var rng = TestSeed.generator(842)
        let inputs = [rng.tensor([2, 3, 6, 7]), rng.tensor([4, 3, 3, 3], -0.5, 0.5), rng.tensor([4]), rng.tensor([2, 4, 6, 7])]
        let plan = ConvolutionPlan(inChannels: 3, outChannels: 4, kernelSize: 3)
        plan.algorithmOverride = .winograd6x6
        try NumericCheck.checkOp(inputs, rng: &rng, forwardTolerance: 3e-5, "winograd plan + residual",
                                 op: { v in try plan.forward(v[0], weight: v[1], bias: v[2], epilogue: .residual(v[3], scale: 0.7)) },
                                 reference: { t in Reference64.add(Reference64.scale(Reference64.conv2d(t[0], t[1], t[2]), 0.7), t[3]) })
    }

    /// Transformed weights are built once per weight version: a write (assign) rebuilds them and
    /// the next forward uses the new values.
    func testCacheFollowsWeightVersion() throws {
        var rng = TestSeed.generator(843)
        let x = Variable(rng.tensor([1, 16, 12, 12]))
        let w1 = rng.tensor([16, 16, 3, 3], -0.2, 0.2), w2 = rng.tensor([16, 16, 3, 3], -0.2, 0.2)
        let weight = Variable(w1, requiresGrad: true)
        let plan = ConvolutionPlan(inChannels: 16, outChannels: 16, kernelSize: 3)
        plan.algorithmOverride = .winograd4x4
        let reference = { (w: Tensor) in try conv2d(x, weight: Variable(w), bias: nil, algorithm: .reference, bandFloats: 0).value }
        NumericCheck.assertClose(try plan.forward(x, weight: weight, bias: nil).value, Tensor64(try reference(w1)), tolerance: 1e-5)
        _ = try plan.forward(x, weight: weight, bias: nil)
        XCTAssertEqual(plan.preparations, 1, "the second forward reuses the transformed weights")
        let before = weight.version
        try weight.assign(w2)
        XCTAssertNotEqual(weight.version, before)
        NumericCheck.assertClose(try plan.forward(x, weight: weight, bias: nil).value, Tensor64(try reference(w2)), tolerance: 1e-5,
                                 "after the weight changed")
        XCTAssertEqual(plan.preparations, 2)
        plan.algorithmOverride = .winograd6x6
        NumericCheck.assertClose(try plan.forward(x, weight: weight, bias: nil).value, Tensor64(try reference(w2)), tolerance: 3e-5)
        XCTAssertEqual(plan.preparations, 3, "another tile size needs its own transform")
    }

    /// A parameter set on a network (the arena bumps its version) reaches the next forward.
    func testNetworkParameterWriteInvalidatesPlans() throws {
        let json = #"{"backbone": "edsr", "scale": 2, "blocks": 2, "features": 16, "seed": 3}"#
        let net = try Network(config: ModelConfig.parse(json))
        let blocks = net.body.compactMap { $0 as? ResidualBlock }
        XCTAssertEqual(blocks.count, 2)
        // Winograd whatever the CPU: its transformed weights are the cache under test
        for b in blocks { for c in [b.conv1, b.conv2] { c.plan.algorithmOverride = .winograd4x4 } }
        var rng = TestSeed.generator(844)
        let input = rng.tensor([1, 3, 16, 12], 0, 255)
        _ = try net.forward(input)
        let name = "body.1.body.0.weight"
        guard let p = net.parameters[name] else { return XCTFail("no parameter \(name)") }
        try p.assign(rng.tensor(p.shape, -0.1, 0.1))
        let changed = try net.forward(input)
        // a fresh network with the same values has no cache at all
        let fresh = try Network(config: ModelConfig.parse(json))
        for b in fresh.body.compactMap({ $0 as? ResidualBlock }) { for c in [b.conv1, b.conv2] { c.plan.algorithmOverride = .winograd4x4 } }
        for (name, v) in net.parameters.parameters { try fresh.parameters[name]!.assign(v.value) }
        let expected = try fresh.forward(input)
        XCTAssertEqual(changed, expected, "the forward after set_parameter must use the new weight")
    }

    /// Several threads forward through one plan at once (the first ones race to build the cache):
    /// every result equals the sequential one.
    func testConcurrentUse() throws {
        var rng = TestSeed.generator(845)
        let x = Variable(rng.tensor([2, 16, 10, 14])), wt = Variable(rng.tensor([16, 16, 3, 3], -0.2, 0.2))
        let plan = ConvolutionPlan(inChannels: 16, outChannels: 16, kernelSize: 3)
        plan.algorithmOverride = .winograd4x4
        let expected = try ConvolutionPlan(inChannels: 16, outChannels: 16, kernelSize: 3).forwardForced(.winograd4x4, x, wt)
        let results = UnsafeMutableBufferPointer<Tensor?>.allocate(capacity: 8)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            results[i] = try? plan.forward(x, weight: wt, bias: nil).value
        }
        for i in 0..<8 { XCTAssertEqual(results[i], expected, "thread \(i)") }
        XCTAssertEqual(plan.preparations, 1, "one build shared by all threads")
    }
}

extension ConvolutionPlan {
    func forwardForced(_ a: ConvolutionAlgorithm, _ x: Variable, _ w: Variable) throws -> Tensor {
        algorithmOverride = a
        return try forward(x, weight: w, bias: nil).value
    }
}
