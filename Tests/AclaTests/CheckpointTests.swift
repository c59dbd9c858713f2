import Foundation
import XCTest
@testable import Acla

final class CheckpointTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("acla-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func tiny(_ extra: String = "", scale: Int = 2, seed: Int = 1) throws -> Network {
        try Network(config: ModelConfig.parse(#"{"backbone": "edsr", "scale": \#(scale), "blocks": 2, "features": 4, "seed": \#(seed)\#(extra)}"#))
    }

    func expectError(_ status: AclaStatus, mentioning text: String, file: StaticString = #filePath, line: UInt = #line,
                     _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { e in
            guard let e = e as? AclaError else { return XCTFail("\(e)", file: file, line: line) }
            XCTAssertEqual(e.status, status, e.message, file: file, line: line)
            XCTAssertTrue(e.message.contains(text), "'\(e.message)' lacks '\(text)'", file: file, line: line)
        }
    }

    func testRoundTripIsBitExact() throws {
        let net = try Network(config: ModelConfig.parse(#"{"backbone": "rcan", "scale": 3, "groups": 2, "blocks": 1, "features": 8, "reduction": 4, "seed": 9}"#))
        try net.save(to: path("a.safetensors"))
        let back = try Network.load(path: path("a.safetensors"))
        XCTAssertEqual(back.config, net.config)
        XCTAssertEqual(back.parameters.names, net.parameters.names)
        for name in net.parameters.names {
            let (a, b) = (net.parameters[name]!.value, back.parameters[name]!.value)
            XCTAssertEqual(a.shape, b.shape)
            XCTAssertEqual(a.data.map(\.bitPattern), b.data.map(\.bitPattern), name)
        }
        let reader = try SafetensorsReader(path: path("a.safetensors"))
        XCTAssertEqual(reader.metadata[Checkpoint.configKey], net.config.json)
        // saving again gives the same bytes (deterministic header and order)
        try back.save(to: path("b.safetensors"))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("a.safetensors"))),
                       try Data(contentsOf: URL(fileURLWithPath: path("b.safetensors"))))
    }

    /// Loading overwrites every parameter, MeanShift included (never regenerated).
    func testLoadOverwritesMeanShiftAndSeededValues() throws {
        let net = try tiny(seed: 1)
        try net.parameters["sub_mean.bias"]!.assign(try Tensor(shape: [3], data: [-1, -2, -3]))
        try net.save(to: path("m.safetensors"))
        let loaded = try Network.load(path: path("m.safetensors"))
        XCTAssertEqual(loaded.parameters["sub_mean.bias"]!.value.data, [-1, -2, -3])
    }

    func testConfigOverrideAndMissingConfig() throws {
        let net = try tiny()
        let tensors = net.parameters.parameters.map { ($0.name, $0.variable.value) }
        try SafetensorsWriter.write(path: path("plain.safetensors"), tensors: tensors)
        expectError(.format, mentioning: "acla.config") { _ = try Network.load(path: path("plain.safetensors")) }
        let loaded = try Network.load(path: path("plain.safetensors"), config: net.config)
        XCTAssertEqual(loaded.parameters["head.0.weight"]!.value, net.parameters["head.0.weight"]!.value)
        // an override wins over the file's metadata: a different seed changes nothing loaded
        try net.save(to: path("with.safetensors"))
        var other = net.config
        other.seed = 77
        XCTAssertEqual(try Network.load(path: path("with.safetensors"), config: other).config.seed, 77)
        // a corrupt config in the metadata is a format error
        try SafetensorsWriter.write(path: path("bad.safetensors"), tensors: tensors, metadata: [Checkpoint.configKey: #"{"backbone": "edsr", "scale": 9}"#])
        expectError(.format, mentioning: "\"scale\"") { _ = try Network.load(path: path("bad.safetensors")) }
    }

    func testMismatchesNameTheTensor() throws {
        let net = try tiny()
        var tensors = net.parameters.parameters.map { ($0.name, $0.variable.value) }
        let config = [Checkpoint.configKey: net.config.json]
        let removed = tensors.remove(at: 6)
        try SafetensorsWriter.write(path: path("missing.safetensors"), tensors: tensors, metadata: config)
        expectError(.format, mentioning: "missing tensor \"\(removed.0)\"") { _ = try Network.load(path: path("missing.safetensors")) }
        tensors.insert(removed, at: 6)
        try SafetensorsWriter.write(path: path("extra.safetensors"), tensors: tensors + [("body.9.weight", Tensor(zeros: [1]))], metadata: config)
        expectError(.format, mentioning: "unexpected tensor \"body.9.weight\"") { _ = try Network.load(path: path("extra.safetensors")) }
        tensors[4] = (tensors[4].0, Tensor(zeros: [4, 3, 1, 1]))
        try SafetensorsWriter.write(path: path("shape.safetensors"), tensors: tensors, metadata: config)
        expectError(.format, mentioning: "tensor \"head.0.weight\" has shape [4, 3, 1, 1]") { _ = try Network.load(path: path("shape.safetensors")) }
    }

    /// x2 -> x3/x4 fine-tuning as EDSR-PyTorch does it: the body loads; tail tensors load where
    /// the shapes agree (tail.1; x4's tail.0.0 has x2's shape), the rest keep their initial values
    /// (x3's tail.0.0 [9F, F], x4's tail.0.2 which x2 lacks).
    func testIgnoreTail() throws {
        let x2 = try tiny(scale: 2, seed: 1)
        try x2.save(to: path("x2.safetensors"))
        func same(_ a: Network, _ b: Network, _ name: String) -> Bool { a.parameters[name]!.value == b.parameters[name]!.value }
        for scale in [3, 4] {
            let config = try tiny(scale: scale, seed: 5).config
            let first = scale == 3 ? "tail.0.0.weight" : "missing tensor \"tail.0.2.weight\""
            expectError(.format, mentioning: first) { _ = try Network.load(path: path("x2.safetensors"), config: config) }
            let fresh = try Network(config: config)
            let tuned = try Network.load(path: path("x2.safetensors"), config: config, options: .ignoreTail)
            XCTAssertTrue(same(tuned, x2, "body.1.body.2.weight"))
            XCTAssertTrue(same(tuned, x2, "sub_mean.bias"))
            XCTAssertTrue(same(tuned, x2, "tail.1.weight"))
            XCTAssertTrue(same(tuned, scale == 3 ? fresh : x2, "tail.0.0.weight"), "x\(scale)")
            if scale == 4 { XCTAssertTrue(same(tuned, fresh, "tail.0.2.weight")) }
        }
        // the option does not relax the rest of the network
        let rcan = try ModelConfig.parse(#"{"backbone": "rcan", "scale": 4, "groups": 1, "blocks": 1, "features": 4, "reduction": 2}"#)
        expectError(.format, mentioning: "missing tensor") { _ = try Network.load(path: path("x2.safetensors"), config: rcan, options: .ignoreTail) }
    }

    func testKeepMissingAttentionOnlyCoversAttention() throws {
        let net = try tiny()
        try net.save(to: path("n.safetensors"))
        XCTAssertNoThrow(try Network.load(path: path("n.safetensors"), options: .keepMissingAttention))
        var tensors = net.parameters.parameters.map { ($0.name, $0.variable.value) }
        tensors.removeLast()
        try SafetensorsWriter.write(path: path("m.safetensors"), tensors: tensors, metadata: [Checkpoint.configKey: net.config.json])
        expectError(.format, mentioning: "missing tensor \"tail.1.bias\"") {
            _ = try Network.load(path: path("m.safetensors"), options: .keepMissingAttention)
        }
    }

    func testHalfPrecisionCheckpointLoads() throws {
        // a checkpoint stored as F16 (as some converted weights are) loads converted
        let net = try tiny()
        let config = JSONWriter.quoted(net.config.json)
        var header = #"{"__metadata__": {"acla.config": \#(config)}"#
        var data: [UInt8] = []
        for (name, v) in net.parameters.parameters {
            header += #", "\#(name)": {"dtype": "F16", "shape": \#(v.shape), "data_offsets": [\#(data.count), \#(data.count + 2 * v.value.count)]}"#
            for _ in 0..<v.value.count { data += [0x00, 0x38] }  // 0.5
        }
        header += "}"
        let h = Array(header.utf8)
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(h.count) >> (8 * UInt64($0))) } + h + data
        try Data(bytes).write(to: URL(fileURLWithPath: path("half.safetensors")))
        let loaded = try Network.load(path: path("half.safetensors"))
        XCTAssertTrue(loaded.parameters["head.0.weight"]!.value.data.allSatisfy { $0 == 0.5 })
    }
}

/// A training checkpoint (model tensors plus the optimiser's `train.*` state) loads as a model.
final class TrainingCheckpointLoadTests: XCTestCase {
    func testTrainTensorsAreSkipped() throws {
        let net = try Network(config: ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4}"#))
        let path = NSTemporaryDirectory() + "acla-train-ckpt-\(getpid()).safetensors"
        defer { unlink(path) }
        var tensors = net.parameters.parameters.map { ($0.name, $0.variable.value) }
        tensors.append(("train.adam.m.head.0.weight", Tensor(shape: [4, 3, 3, 3], repeating: 0.5)))
        try SafetensorsWriter.write(path: path, tensors: tensors, metadata: [Checkpoint.configKey: net.config.json])
        let loaded = try Network.load(path: path)
        XCTAssertEqual(loaded.parameters["head.0.weight"]?.value, net.parameters["head.0.weight"]?.value)
        tensors.append(("trainer.x", Tensor(shape: [1], repeating: 1)))
        try SafetensorsWriter.write(path: path, tensors: tensors, metadata: [Checkpoint.configKey: net.config.json])
        XCTAssertThrowsError(try Network.load(path: path), "only the train. prefix is skipped")
    }
}
