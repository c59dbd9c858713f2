import XCTest
@testable import Acla

/// NL and CLNL (ATTENTION.md section 6) against the float64 reference: forward, gradients,
/// the memory cap, the probe and the MAC count.
final class NonLocalTests: XCTestCase {
    static let (c, h, w, batch) = (4, 3, 4, 2)

    private func make(_ kind: AttentionConfig.Kind) throws -> (AttentionModuleStack, ParameterStore, [Tensor]) {
        let (stack, store) = try AttentionTesting.makeStack(AttentionConfig(kind: kind, positions: .list([1, 3])),
                                                            features: Self.c, layers: 3, seed: 41)
        var rng = RandomGenerator(seed: 42)
        try AttentionTesting.randomize(store, &rng) { _ in 0.8 }
        let maps = (0..<3).map { _ in AttentionTesting.randomTensor([Self.batch, Self.c, Self.h, Self.w], &rng) }
        return (stack, store, maps)
    }

    private func reference(_ kind: AttentionConfig.Kind, _ store: ParameterStore, maps: [[Double]],
                           params: [Int: Reference.Params]? = nil) -> [[Double]] {
        var z = maps
        for j in [1, 3] {
            let sources = kind == .nl ? [maps[j - 1]] : [1, 3].filter { $0 <= j }.map { maps[$0 - 1] }
            z[j - 1] = Reference.nonLocal(x: maps[j - 1], sources: sources, params: params?[j] ?? AttentionTesting.params(store, position: j),
                                          channels: Self.c, pixels: Self.h * Self.w)
        }
        return z
    }

    func testForwardMatchesReference() throws {
        for kind in [AttentionConfig.Kind.nl, .clnl] {
            let (stack, store, maps) = try make(kind)
            let z = try AttentionTesting.run(stack, maps: maps.map { Variable($0) }, pass: .evaluation)
            for b in 0..<Self.batch {
                let want = reference(kind, store, maps: maps.map { AttentionTesting.image($0, b) })
                for j in [0, 2] {
                    AttentionTesting.assertClose(AttentionTesting.image(z[j].value, b).map(Float.init), want[j], tolerance: 2e-5,
                                                 "\(kind) layer \(j + 1) image \(b)")
                }
            }
            XCTAssertEqual(stack.statistics.map(\.sourceLayers), kind == .nl ? [[1], [3]] : [[1], [1, 3]])
        }
    }

    func testGradientsMatchFiniteDifferences() throws {
        for kind in [AttentionConfig.Kind.nl, .clnl] {
            let (stack, store, maps) = try make(kind)
            var rng = RandomGenerator(seed: 43)
            let seeds = maps.map { AttentionTesting.randomTensor($0.shape, &rng) }
            let inputs = maps.map { Variable($0, requiresGrad: true) }
            let z = try AttentionTesting.run(stack, maps: inputs, pass: ForwardPass(mode: .training))
            for j in [0, 2] { try z[j].backward(gradient: seeds[j]) }
            var params = Dictionary(uniqueKeysWithValues: [1, 3].map { ($0, AttentionTesting.params(store, position: $0)) })
            var images = (0..<Self.batch).map { b in maps.map { AttentionTesting.image($0, b) } }
            func loss() -> Double {
                var total = 0.0
                for b in 0..<Self.batch {
                    let zr = reference(kind, store, maps: images[b], params: params)
                    for j in [0, 2] {
                        let s = AttentionTesting.image(seeds[j], b)
                        for i in s.indices { total += s[i] * zr[j][i] }
                    }
                }
                return total
            }
            func fd(_ set: (Double) -> Void, _ at: Double) -> Double {
                set(at + 1e-6); let up = loss()
                set(at - 1e-6); let down = loss()
                set(at)
                return (up - down) / 2e-6
            }
            for j in [1, 3] {
                for field in params[j]!.keys.sorted() {
                    let grad = try XCTUnwrap(store["attention.\(j).\(field)"]?.grad)
                    for idx in params[j]![field]!.indices {
                        let want = fd({ params[j]![field]![idx] = $0 }, params[j]![field]![idx])
                        XCTAssertEqual(Double(grad.data[idx]), want, accuracy: 1e-3 * max(1, abs(want)), "\(kind) \(j).\(field)[\(idx)]")
                    }
                }
            }
            for l in [0, 2] {
                let grad = try XCTUnwrap(inputs[l].grad)
                for b in 0..<Self.batch {
                    for idx in images[b][l].indices {
                        let want = fd({ images[b][l][idx] = $0 }, images[b][l][idx])
                        XCTAssertEqual(Double(grad.data[b * images[b][l].count + idx]), want, accuracy: 1e-3 * max(1, abs(want)),
                                       "\(kind) input \(l + 1) image \(b) [\(idx)]")
                    }
                }
            }
        }
    }

    /// CLNL refuses maps whose attention matrix exceeds the configured cap, with a clear error.
    func testMemoryCapRefusesLargeMaps() throws {
        let (stack, _, maps) = try make(.clnl)
        let needed = (Self.h * Self.w) * (2 * Self.h * Self.w) * 4
        let limited = ForwardPass()
        limited.memoryLimitBytes = needed - 1
        XCTAssertThrowsError(try AttentionTesting.run(stack, maps: maps.map { Variable($0) }, pass: limited)) { error in
            let e = error as? AclaError
            XCTAssertEqual(e?.status, .outOfMemory)
            XCTAssert(e?.message.contains("layer 3") ?? false, e?.message ?? "")
            XCTAssert(e?.message.contains("\(needed - 1) bytes") ?? false, e?.message ?? "")
        }
        limited.memoryLimitBytes = needed
        XCTAssertNoThrow(try AttentionTesting.run(stack, maps: maps.map { Variable($0) }, pass: limited))
    }

    /// The probe reports the largest weights of each source's row of the joint softmax.
    func testProbeReportsTopWeightsPerSource() throws {
        let (stack, store, maps) = try make(.clnl)
        let pass = ForwardPass()
        pass.probe = ProbePixel(y: 1, x: 2)
        _ = try AttentionTesting.run(stack, maps: maps.map { Variable($0) }, pass: pass)
        let probe = stack.statistics[1].probe
        let n = Self.h * Self.w
        XCTAssertEqual(probe.count, 2 * n, "fewer than 16 pixels: every key is reported")
        let p = AttentionTesting.params(store, position: 3)
        let x = maps.map { AttentionTesting.image($0, 0) }
        let theta = Reference.conv1x1(x[2], channels: Self.c, pixels: n, weight: p["theta.weight"]!, bias: p["theta.bias"]!)
        let phi = [x[0], x[2]].map { Reference.conv1x1($0, channels: Self.c, pixels: n, weight: p["phi.weight"]!, bias: p["phi.bias"]!) }
        let i = 1 * Self.w + 2
        let scores = (0..<2).flatMap { s in (0..<n).map { j in (0..<(Self.c / 2)).reduce(0.0) { $0 + theta[$1 * n + i] * phi[s][$1 * n + j] } } }
        let ex = scores.map { exp($0 - scores.max()!) }
        for key in probe {
            let s = key.sourceLayer == 1 ? 0 : 1
            let j = Int(key.y) * Self.w + Int(key.x)
            XCTAssertEqual(Double(key.weight), ex[s * n + j] / ex.reduce(0, +), accuracy: 1e-5)
        }
        let first = probe.filter { $0.sourceLayer == 1 }.map(\.weight)
        XCTAssertEqual(first, first.sorted(by: >), "ranked by weight")
    }

    func testMACsFollowSection6() throws {
        let (n, c) = (48 * 48, 64)
        for (kind, r, want) in [(AttentionConfig.Kind.nl, 1, 2 * n * c * c + n * n * c),
                                (.clnl, 2, n * c * c / 2 + 2 * n * c * c + n * c * c / 2 + 2 * n * n * c)] {
            let (stack, _) = try AttentionTesting.makeStack(AttentionConfig(kind: kind, positions: .list([1, 3])), features: c, layers: 3)
            let first = 2 * n * c * c + n * n * c
            XCTAssertEqual(try stack.macs(height: 48, width: 48), UInt64(first + want), "\(kind) with \(r) sources at layer 3")
        }
        let (se, _) = try AttentionTesting.makeStack(AttentionConfig(kind: .se, positions: .list([2])), features: 64, layers: 3)
        XCTAssertEqual(try se.macs(height: 48, width: 48), UInt64(64 * 64 / 8))
    }
}
