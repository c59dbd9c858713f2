import XCTest
@testable import Acla

/// The insert-position search (ATTENTION.md section 5): layer gates, effective masks, gated
/// outputs, the differentiable cost, and the derived architecture.
final class SearchSupernetTests: XCTestCase {
    static let (layers, c, h, w, batch, keys) = (3, 3, 4, 3, 2, 2)
    static var pixels: Int { h * w }

    private func makeSupernet(kind: AttentionConfig.Kind = .acla, alpha: [Float] = [1.2, -0.7, 0.4])
        throws -> (AttentionModuleStack, ParameterStore, [Tensor]) {
        let config = AttentionConfig(kind: kind, positions: .all, keys: Self.keys)
        let (stack, store) = try AttentionTesting.makeStack(config, features: Self.c, layers: Self.layers, seed: 21)
        var rng = RandomGenerator(seed: 22)
        try AttentionTesting.randomize(store, &rng) { name in
            name.hasSuffix("offset.bias") ? 2 : (name.hasSuffix("gate.bias") ? 0.5 : 0.7)
        }
        try store["search.alpha"]!.assign(Tensor(shape: [Self.layers], data: alpha))
        let maps = (0..<Self.layers).map { _ in AttentionTesting.randomTensor([Self.batch, Self.c, Self.h, Self.w], &rng) }
        return (stack, store, maps)
    }

    /// Reference z of every layer for image b, with layer gates s and key-gate rule `mask`.
    private func reference(_ store: ParameterStore, maps: [[Double]], gates s: [Double], gated: Bool = true,
                           params: [Int: Reference.Params]? = nil, mask: @escaping (Double) -> Double)
        -> (z: [[Double]], beta: [Int: [Double]]) {
        var z = maps, betas: [Int: [Double]] = [:]
        for j in 1...Self.layers {
            let p = params?[j] ?? AttentionTesting.params(store, position: j)
            let r = Reference.crossLayer(x: maps[j - 1], sources: Array(maps[0..<j]), params: p, channels: Self.c,
                                         h: Self.h, w: Self.w, keys: Self.keys, gated: gated,
                                         mask: { _, _, beta in mask(beta) }, sourceGates: Array(s[0..<j]), ownGate: s[j - 1])
            z[j - 1] = r.z
            betas[j] = r.beta
        }
        return (z, betas)
    }

    func testRegistersAlphaLastWithEveryModuleReadingEveryEarlierLayer() throws {
        let config = AttentionConfig(kind: .acla, positions: .all, keys: 4)
        let (stack, store) = try AttentionTesting.makeStack(config, features: 3, layers: 3)
        XCTAssertEqual(store.names.last, "search.alpha")
        XCTAssertEqual(store["search.alpha"]!.value.data, [3, 3, 3])
        XCTAssertEqual(stack.positions, [1, 2, 3])
        XCTAssertEqual(stack.statistics.map(\.sourceLayers), [[1], [1, 2], [1, 2, 3]])
        XCTAssertEqual(store["attention.3.offset.weight"]!.shape, [2 * 4 * 3, 3, 1, 1])
        XCTAssertNotNil(stack.search)
        var rng = RandomGenerator(seed: 1)
        XCTAssertThrowsError(try AttentionFactory.make(AttentionConfig(kind: .nl, positions: .all), features: 4, layers: 3,
                                                       store: ParameterStore(), rng: &rng)) { error in
            XCTAssertEqual((error as? AclaError)?.status, .unsupported)
        }
    }

    func testSoftForwardMatchesReference() throws {
        let (stack, store, maps) = try makeSupernet()
        let (tauK, tauL) = (0.9, 1.7)
        let z = try AttentionTesting.run(stack, maps: maps.map { Variable($0) },
                                         pass: ForwardPass(mode: .soft, keyTemperature: tauK, layerTemperature: tauL))
        let s = store["search.alpha"]!.value.data.map { Reference.sigmoid(Double($0) / tauL) }
        for b in 0..<Self.batch {
            let want = reference(store, maps: maps.map { AttentionTesting.image($0, b) }, gates: s) { Reference.sigmoid($0 / tauK) }.z
            for j in 0..<Self.layers {
                AttentionTesting.assertClose(AttentionTesting.image(z[j].value, b).map(Float.init), want[j], tolerance: 2e-5,
                                             "layer \(j + 1) image \(b)")
            }
        }
    }

    /// At evaluation s = 1[alpha > 0]: module 2 is skipped, and module 3 does not read layer 2;
    /// the derived network (positions alpha >= 0, re-sized offset/logit rows) computes the same.
    func testEvaluationSkipsModulesAndEqualsTheDerivedNetwork() throws {
        let (stack, store, maps) = try makeSupernet()
        let inputs = maps.map { Variable($0) }
        let z = try AttentionTesting.run(stack, maps: inputs, pass: .evaluation)
        XCTAssertEqual(z[1].value, maps[1], "module 2 is switched off")
        for b in 0..<Self.batch {
            let want = reference(store, maps: maps.map { AttentionTesting.image($0, b) }, gates: [1, 0, 1]) { $0 > 0 ? 1 : 0 }.z
            for j in [0, 2] {
                AttentionTesting.assertClose(AttentionTesting.image(z[j].value, b).map(Float.init), want[j], tolerance: 2e-5,
                                             "layer \(j + 1) image \(b)")
            }
        }
        XCTAssertEqual(stack.statistics[1].measuredMACs, 0)
        let search = try XCTUnwrap(stack.search)
        XCTAssertEqual(search.derivedPositions, [1, 3])
        // the derived network: positions [1, 3], parameters taken from the supernet
        let derivedConfig = AttentionConfig(kind: .acla, positions: .list([1, 3]), keys: Self.keys)
        let (derived, derivedStore) = try AttentionTesting.makeStack(derivedConfig, features: Self.c, layers: Self.layers, seed: 5)
        let values = try search.derivedParameters()
        XCTAssertEqual(values.map(\.name), derivedStore.names)
        for (name, value) in values { try derivedStore[name]!.assign(value) }
        let offsets = store["attention.3.offset.weight"]!.value, kept = derivedStore["attention.3.offset.weight"]!.value
        let block = 2 * Self.keys * Self.c
        XCTAssertEqual(Array(kept.data[0..<block]), Array(offsets.data[0..<block]), "source layer 1 rows")
        XCTAssertEqual(Array(kept.data[block..<(2 * block)]), Array(offsets.data[(2 * block)..<(3 * block)]), "source layer 3 rows")
        let zd = try AttentionTesting.run(derived, maps: inputs, pass: .evaluation)
        for j in 0..<Self.layers { XCTAssertLessThan(zd[j].value.maxAbsDifference(z[j].value), 1e-5, "layer \(j + 1)") }
    }

    func testDerivedPositionsIncludeZeroAlpha() throws {
        let (stack, _, _) = try makeSupernet(alpha: [0, -0.001, 2])
        XCTAssertEqual(stack.search?.derivedPositions, [1, 3])
        XCTAssertThrowsError(try stack.search?.derivedParameters(positions: [4]))
    }

    func testSoftGradientsOfAlphaAndParameters() throws {
        let (stack, store, maps) = try makeSupernet()
        let (tauK, tauL) = (0.9, 1.7)
        var rng = RandomGenerator(seed: 31)
        let seeds = maps.map { AttentionTesting.randomTensor($0.shape, &rng) }
        let z = try AttentionTesting.run(stack, maps: maps.map { Variable($0) },
                                         pass: ForwardPass(mode: .soft, keyTemperature: tauK, layerTemperature: tauL))
        for j in 0..<Self.layers { try z[j].backward(gradient: seeds[j]) }
        var alpha = store["search.alpha"]!.value.data.map(Double.init)
        var params = Dictionary(uniqueKeysWithValues: (1...Self.layers).map { ($0, AttentionTesting.params(store, position: $0)) })
        let images = (0..<Self.batch).map { b in maps.map { AttentionTesting.image($0, b) } }
        func loss() -> Double {
            let s = alpha.map { Reference.sigmoid($0 / tauL) }
            var total = 0.0
            for b in 0..<Self.batch {
                let zr = reference(store, maps: images[b], gates: s, params: params) { Reference.sigmoid($0 / tauK) }.z
                for j in 0..<Self.layers {
                    let sd = AttentionTesting.image(seeds[j], b)
                    for i in sd.indices { total += sd[i] * zr[j][i] }
                }
            }
            return total
        }
        let eps = 1e-6
        func fd(_ set: (Double) -> Void, _ at: Double) -> Double {
            set(at + eps); let up = loss()
            set(at - eps); let down = loss()
            set(at)
            return (up - down) / (2 * eps)
        }
        let alphaGrad = try XCTUnwrap(store["search.alpha"]!.grad)
        for i in alpha.indices {
            let want = fd({ alpha[i] = $0 }, alpha[i])
            XCTAssertEqual(Double(alphaGrad.data[i]), want, accuracy: 1e-3 * max(1, abs(want)), "alpha[\(i)]")
        }
        for j in 1...Self.layers {
            for field in params[j]!.keys.sorted() {
                let grad = try XCTUnwrap(store["attention.\(j).\(field)"]?.grad)
                for idx in params[j]![field]!.indices {
                    let want = fd({ params[j]![field]![idx] = $0 }, params[j]![field]![idx])
                    XCTAssertEqual(Double(grad.data[idx]), want, accuracy: 1e-3 * max(1, abs(want)), "attention.\(j).\(field)[\(idx)]")
                }
            }
        }
    }

    /// The cost of section 5 and its gradient in alpha and in the key gates (soft mode).
    func testCostMatchesFormulaAndIsDifferentiable() throws {
        for kind in [AttentionConfig.Kind.acla, .cla] {
            let (stack, store, maps) = try makeSupernet(kind: kind)
            let (tauK, tauL, backbone) = (0.9, 1.7, 5e6)
            let search = try XCTUnwrap(stack.search)
            let pass = ForwardPass(mode: .soft, keyTemperature: tauK, layerTemperature: tauL)
            XCTAssertThrowsError(try search.cost(of: pass, backboneMACs: backbone), "no forward pass yet")
            _ = try AttentionTesting.run(stack, maps: maps.map { Variable($0) }, pass: pass)
            let cost = try search.cost(of: pass, backboneMACs: backbone)
            let penalty = try search.costPenalty(lambda: 0.3, backboneMACs: backbone, pass: pass)
            try penalty.backward()
            var alpha = store["search.alpha"]!.value.data.map(Double.init)
            var gateBias = (1...Self.layers).map { store["attention.\($0).gate.bias"]?.value.data.map(Double.init) ?? [] }
            let gated = kind == .acla
            func referenceCost() -> Double {
                let s = alpha.map { Reference.sigmoid($0 / tauL) }
                var params = Dictionary(uniqueKeysWithValues: (1...Self.layers).map { ($0, AttentionTesting.params(store, position: $0)) })
                if gated { for j in 1...Self.layers { params[j]!["gate.bias"] = gateBias[j - 1] } }
                let (n, c, k) = (Double(Self.pixels), Double(Self.c), Double(Self.keys))
                var sums = [[Double]](repeating: [Double](repeating: 0, count: Self.layers), count: Self.layers + 1)
                for b in 0..<Self.batch {
                    let betas = reference(store, maps: maps.map { AttentionTesting.image($0, b) }, gates: s, gated: gated,
                                          params: params) { Reference.sigmoid($0 / tauK) }.beta
                    for j in 1...Self.layers {
                        for l in 1...j {
                            for q in ((l - 1) * Self.keys)..<(l * Self.keys) {
                                for i in 0..<Self.pixels {
                                    sums[j][l - 1] += (gated ? Reference.sigmoid(betas[j]![q * Self.pixels + i] / tauK) : 1) / Double(Self.batch)
                                }
                            }
                        }
                    }
                }
                var total = backbone
                for j in 1...Self.layers {
                    var costJ = n * c * c
                    for l in 1...j {
                        costJ += s[l - 1] * (3 * k * n * c + n * c * c + (gated ? n * c + 4 * k * n : 0) + 5 * c * sums[j][l - 1])
                    }
                    total += s[j - 1] * costJ
                }
                return total
            }
            let want = referenceCost()
            XCTAssertEqual(Double(cost.value.data[0]), want, accuracy: want * 1e-6, "\(kind) cost")
            XCTAssertEqual(Double(penalty.value.data[0]), 0.3 * log(want / 1e9), accuracy: 1e-5)
            let eps = 1e-5
            let alphaGrad = try XCTUnwrap(store["search.alpha"]!.grad)
            for i in alpha.indices {
                let v = alpha[i]
                alpha[i] = v + eps; let up = log(referenceCost() / 1e9)
                alpha[i] = v - eps; let down = log(referenceCost() / 1e9)
                alpha[i] = v
                XCTAssertEqual(Double(alphaGrad.data[i]), 0.3 * (up - down) / (2 * eps), accuracy: 1e-4, "\(kind) alpha[\(i)]")
            }
            guard gated else { continue }
            for j in 1...Self.layers {
                let v = gateBias[j - 1][0]
                gateBias[j - 1][0] = v + eps; let up = log(referenceCost() / 1e9)
                gateBias[j - 1][0] = v - eps; let down = log(referenceCost() / 1e9)
                gateBias[j - 1][0] = v
                let grad = try XCTUnwrap(store["attention.\(j).gate.bias"]?.grad)
                XCTAssertEqual(Double(grad.data[0]), 0.3 * (up - down) / (2 * eps), accuracy: 1e-4, "gate bias of \(j)")
            }
        }
    }

    /// Stage 1 of the search: every layer gate is 1 and alpha receives no gradient.
    func testStageOneOpensEveryLayer() throws {
        let (stack, store, maps) = try makeSupernet(alpha: [-2, -2, -2])
        let context = ForwardPass(mode: .training, seed: 3, layerGatesOpen: true)
        let z = try AttentionTesting.run(stack, maps: maps.map { Variable($0) }, pass: context)
        XCTAssertEqual(context.layerGates?.value.data, [1, 1, 1])
        XCTAssert(zip(z, maps).allSatisfy { $0.value != $1 }, "every module runs")
        try z[2].backward(gradient: Tensor(shape: z[2].shape, repeating: 1))
        XCTAssertNil(store["search.alpha"]!.grad)
    }
}
