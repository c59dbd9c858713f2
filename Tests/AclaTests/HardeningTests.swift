import Foundation
import XCTest
@testable import Acla

/// Regressions of the hardening pass (Tests/python/test_hostile.py attacks the C boundary; these
/// pin the core-level fixes): attention parameters count against the size limit, attention's
/// offset maps against the feature-map limit, and FIFOs are refused instead of blocking.
final class HardeningTests: XCTestCase {
    /// The analytic count that lets `validate` refuse a config before allocating must match what
    /// the modules really register, for every kind.
    func testAttentionParameterCountMatchesBuiltNetworks() throws {
        let attentions: [AttentionConfig] = [
            AttentionConfig(kind: .cla, positions: .list([1, 3]), keys: 3),
            AttentionConfig(kind: .acla, positions: .list([2, 3]), keys: 2),
            AttentionConfig(kind: .acla, positions: .all, keys: 2),
            AttentionConfig(kind: .cla, positions: .all, keys: 1),
            AttentionConfig(kind: .nl, positions: .list([2])),
            AttentionConfig(kind: .clnl, positions: .list([1, 2, 3])),
            AttentionConfig(kind: .se, positions: .list([1, 3])),
            .none,
        ]
        for features in [4, 7, 33] {
            for attention in attentions {
                let config = ModelConfig(backbone: .edsr, task: .sr, scale: 2, blocks: 3, features: features, attention: attention)
                let network = try Network(config: config)
                let backbone = BackboneLayout(config: config).parameterCount
                XCTAssertEqual(backbone + AttentionFactory.parameterCount(attention, features: features, layers: 3),
                               network.parameterCount, "\(attention) with \(features) features")
            }
        }
    }

    func testSupernetParametersCountAgainstTheLimit() {
        // the backbone alone is within the limit (256 x 2 x 256^2 x 9 = 0.3G) but the supernet's
        // modules hold sum_j 3 * 64 * j * 257 = 1.6G parameters
        let json = #"{"backbone": "edsr", "scale": 2, "blocks": 256, "features": 256, "attention": {"kind": "acla", "positions": "all", "keys": 64}}"#
        XCTAssertThrowsError(try ModelConfig.parse(json)) { e in
            let e = e as? AclaError
            XCTAssertEqual(e?.status, .outOfMemory)
            XCTAssertTrue(e?.message.contains("attention") ?? false, e?.message ?? "")
        }
    }

    func testAttentionOffsetMapsCountAgainstTheFeatureMapLimit() throws {
        // 2 * r * K = 2 * 3 * 64 = 384 offset channels, far wider than the 4 features x 4 of the upsampler
        let config = ModelConfig(backbone: .edsr, task: .sr, scale: 2, blocks: 3, features: 4,
                                 attention: AttentionConfig(kind: .cla, positions: .all, keys: 64))
        let network = try Network(config: config)
        let side = 2400   // 384 * 2400^2 = 2.2e9 > 2^31 floats, while 16 * 2400^2 is fine
        XCTAssertThrowsError(try network.validateInput(shape: [1, 3, side, side])) { e in
            XCTAssertEqual((e as? AclaError)?.status, .outOfMemory)
        }
        XCTAssertNoThrow(try network.validateInput(shape: [1, 3, 64, 64]))
    }

    func testFIFOIsRefusedWithoutBlocking() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("acla-fifo-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("model.safetensors").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for read in [{ _ = try SafetensorsReader(path: fifo) }, { _ = try ImageFile.info(fifo) }] {
            XCTAssertThrowsError(try read()) { e in
                XCTAssertEqual((e as? AclaError)?.status, .io, "\(e)")
            }
        }
    }
}
