import Foundation
import XCTest
@testable import Acla
import AclaKernels

/// Issue 12 in the core: the streaming safetensors header, the finite-parameter rule, the thread
/// cap and trial, the atomic writer's leftovers, and every fuzz seed and regression input replayed
/// through the parsers the fuzz targets drive (Tests/fuzz).
final class ReliabilityTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("acla-rel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    // MARK: streaming header

    /// forEachMember sees exactly the members the tree parser builds, in order, on random objects.
    func testForEachMemberMatchesTheTreeParser() throws {
        var rng = RandomGenerator(seed: 12)
        for _ in 0..<200 {
            var object = JSONObject()
            for k in 0..<Int(rng.next() % 6) {
                let key = "k\(k)_\(rng.next() % 1000)\u{e9}"
                guard object[key] == nil else { continue }
                switch rng.next() % 4 {
                case 0: object[key] = .integer(Int(rng.next() % 100_000) - 50_000)
                case 1: object[key] = .string("s\\\"\(rng.next())")
                case 2: object[key] = .array([.bool(true), .null, .number(rng.uniform(-1, 1))])
                default: object[key] = .object(JSONObject([("x", .integer(1))]))
                }
            }
            let text = JSONWriter.string(.object(object))
            var seen: [(String, JSONValue)] = []
            let isObject = try JSONParser.forEachMember(ofObject: Array(text.utf8)) { seen.append(($0, $1)) }
            XCTAssertTrue(isObject)
            guard case .object(let tree) = try JSONParser.parse(text) else { return XCTFail(text) }
            XCTAssertEqual(seen.map(\.0), tree.keys)
            XCTAssertEqual(seen.map(\.1), tree.keys.compactMap { tree[$0] })
        }
        XCTAssertFalse(try JSONParser.forEachMember(ofObject: Array("[1, 2]".utf8)) { _, _ in XCTFail("member") })
        for bad in ["{", "{\"a\" 1}", "{\"a\": 1,}", "{\"a\": 1} x", "[1, 2", "{\"a\": [1}"] {
            XCTAssertThrowsError(try JSONParser.forEachMember(ofObject: Array(bad.utf8)) { _, _ in }, bad)
        }
    }

    /// The cap (1,000,000 in files; the hostile case `huge_header_with_millions_of_entries` loads
    /// that) with a small one: refused at the first entry over it, a cap's worth accepted.
    func testHeaderEntryCap() throws {
        let cap = 1000
        let n = cap + 1
        var header = "{"
        for i in 0..<n {
            header += "\"t\(i)\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[\(i),\(i + 1)]},"
        }
        header.removeLast()
        header += "}"
        XCTAssertThrowsError(try SafetensorsHeader(bytes: Array(header.utf8), bufferSize: n, maxEntries: cap)) { e in
            XCTAssertEqual((e as? AclaError)?.status, .format)
            XCTAssertTrue("\(e)".contains("more than \(cap) tensors"), "\(e)")
        }
        XCTAssertEqual(try SafetensorsHeader(bytes: Array(header.utf8), bufferSize: n, maxEntries: n).entries.count, n)
        XCTAssertEqual(SafetensorsHeader.maxEntries, 1_000_000)
    }

    func testDuplicateMetadataIsRefused() {
        let text = #"{"__metadata__": {}, "__metadata__": {}}"#
        XCTAssertThrowsError(try SafetensorsHeader(bytes: Array(text.utf8), bufferSize: 0)) { e in
            XCTAssertTrue("\(e)".contains("duplicate key \"__metadata__\""), "\(e)")
        }
    }

    // MARK: finite parameters

    func testNonFiniteParametersAreNeitherLoadedNorSaved() throws {
        let network = try Network(config: ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 2}"#))
        let good = dir.appendingPathComponent("good.safetensors").path
        try network.save(to: good)
        let (name, variable) = network.parameters.parameters[5]
        var values = Array(variable.value.data)
        values[values.count - 1] = .infinity
        let tensors = network.parameters.parameters.map { p in
            (p.name, p.name == name ? (try? Tensor(shape: variable.shape, data: values)) ?? p.variable.value : p.variable.value)
        }
        let bad = dir.appendingPathComponent("bad.safetensors").path
        try SafetensorsWriter.write(path: bad, tensors: tensors, metadata: [Checkpoint.configKey: network.config.json])
        XCTAssertThrowsError(try Network.load(path: bad)) { e in
            XCTAssertEqual((e as? AclaError)?.status, .format)
            XCTAssertTrue("\(e)".contains("\"\(name)\" value \(values.count - 1) is not finite"), "\(e)")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: good))
        try variable.assign(Tensor(shape: variable.shape, data: values))
        XCTAssertThrowsError(try network.save(to: good)) { e in XCTAssertEqual((e as? AclaError)?.status, .state) }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: good)), before)
    }

    // MARK: threads

    func testThreadCapAndTrial() throws {
        let before = Threads.count
        defer { try? Threads.set(before) }
        XCTAssertLessThanOrEqual(Threads.maximum, 256)
        XCTAssertGreaterThanOrEqual(Threads.maximum, 1)
        XCTAssertThrowsError(try Threads.set(Threads.maximum + 1)) { e in XCTAssertEqual((e as? AclaError)?.status, .invalidArgument) }
        try Threads.set(min(Threads.maximum, 16))
        XCTAssertEqual(Threads.count, min(Threads.maximum, 16))
        var started: Int32 = 0
        XCTAssertEqual(ak_thread_trial(8, &started), 0)
        XCTAssertEqual(started, 8)
    }

    // MARK: atomic writes

    /// An abandoned write (an error before commit) leaves neither the destination nor a temporary
    /// file; a committed one keeps the replaced file's permissions.
    func testAtomicWriterLeavesNothingBehind() throws {
        let path = dir.appendingPathComponent("out.bin").path
        do {
            let w = try AtomicFileWriter(path: path)
            try w.write([1, 2, 3])
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
        try AtomicFileWriter.write([9, 9], to: path)
        chmod(path, 0o640)
        try AtomicFileWriter.write([7, 7, 7], to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data([7, 7, 7]))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o640)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["out.bin"])
    }

    // MARK: fuzz seeds and regressions

    /// Every committed fuzz input (seeds and fixed crashes) through its target's parser: success or
    /// a non-internal AclaError, never a trap (which would kill this test process).
    func testFuzzInputsReplay() throws {
        let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fuzz")
        var replayed = 0
        for kind in ["corpus", "regressions"] {
            for target in ["config", "safetensors", "png", "jpeg", "npy", "trainer"] {
                let folder = fuzz.appendingPathComponent(kind).appendingPathComponent(target)
                for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
                    let path = folder.appendingPathComponent(name).path
                    replayed += 1
                    do {
                        try replay(target, path)
                    } catch let e as AclaError {
                        XCTAssertNotEqual(e.status, .internal, "\(target)/\(name): \(e)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(replayed, 40)
    }

    private func replay(_ target: String, _ path: String) throws {
        switch target {
        case "config":
            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path))).prefix { $0 != 0 }
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            let config = try ModelConfig.parse(text)
            XCTAssertEqual(try ModelConfig.parse(config.json), config)
        case "safetensors":
            let reader = try SafetensorsReader(path: path)
            for e in reader.entries where e.end - e.begin < 1 << 22 { _ = try? reader.tensor(e) }
            _ = try Network.load(path: path)
        case "trainer":
            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path))).prefix { $0 != 0 }
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            let options = try TrainerOptions.parse(text)
            XCTAssertEqual(try TrainerOptions.parse(options.json), options)
        case "png", "jpeg":
            let info = try ImageFile.info(path, maxPixels: 1 << 20)
            let (image, read) = try ImageFile.read(path, maxPixels: 1 << 20)
            XCTAssertEqual(info, read)
            XCTAssertEqual(image.pixels.count, info.width * info.height * info.channels)
        default:
            _ = try NpyFile.read(path, maxBytes: 1 << 22)
        }
    }
}
