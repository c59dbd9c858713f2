import Foundation
import XCTest
@testable import Acla

/// The safetensors reader against well-formed files and a corpus of malformed and hostile ones.
final class SafetensorsTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("acla-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// A file from a declared header length, header text and data bytes.
    func file(_ name: String, header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) throws -> String {
        let h = Array(header.utf8)
        return try rawFile(name, headerBytes: h, data: data, declaredLength: declaredLength)
    }

    func rawFile(_ name: String, headerBytes h: [UInt8], data: [UInt8] = [], declaredLength: UInt64? = nil) throws -> String {
        let n = declaredLength ?? UInt64(h.count)
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) }
        bytes += h + data
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func expectFormat(_ path: String, mentioning text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafetensorsReader(path: path), file: file, line: line) { e in
            guard let e = e as? AclaError else { return XCTFail("\(e)", file: file, line: line) }
            XCTAssertEqual(e.status, .format, e.message, file: file, line: line)
            XCTAssertTrue(e.message.contains(text), "'\(e.message)' lacks '\(text)'", file: file, line: line)
        }
    }

    func floatBytes(_ v: [Float]) -> [UInt8] { v.flatMap { f in (0..<4).map { UInt8(truncatingIfNeeded: f.bitPattern >> (8 * UInt32($0))) } } }

    func testWriteReadRoundTrip() throws {
        let a = try Tensor(shape: [2, 3], data: [1, -2, 3.5, .pi, -0, 1e-30])
        let b = try Tensor(shape: [0], data: [])
        let c = try Tensor(shape: [], data: [42])
        let path = dir.appendingPathComponent("rt.safetensors").path
        try SafetensorsWriter.write(path: path, tensors: [("a", a), ("empty", b), ("scalar", c)], metadata: ["k": "v \"q\""])
        let r = try SafetensorsReader(path: path)
        XCTAssertEqual(r.metadata, ["k": "v \"q\""])
        XCTAssertEqual(try r.tensor(named: "a"), a)
        XCTAssertEqual(try r.tensor(named: "empty"), b)
        XCTAssertEqual(try r.tensor(named: "scalar"), c)
        XCTAssertEqual(r.entries.map(\.name), ["a", "empty", "scalar"])
        // header padded to 8 bytes, as the reference writer does
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(Int(raw[0]) % 8, 0)
        // no temporary file left behind
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["rt.safetensors"])
    }

    func testConvertedDTypes() throws {
        // F16: 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal); BF16: 1.0, -3.0; F64: 0.1
        let f16: [UInt8] = [0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B, 0x01, 0x00]
        let bf16: [UInt8] = [0x80, 0x3F, 0x40, 0xC0]
        let f64 = (0..<8).map { UInt8(truncatingIfNeeded: (0.1).bitPattern >> (8 * UInt64($0))) }
        let header = #"{"h": {"dtype": "F16", "shape": [4], "data_offsets": [0, 8]}, "b": {"dtype": "BF16", "shape": [2], "data_offsets": [8, 12]}, "d": {"dtype": "F64", "shape": [1], "data_offsets": [12, 20]}, "i": {"dtype": "I32", "shape": [1], "data_offsets": [20, 24]}}"#
        let path = try file("types.safetensors", header: header, data: f16 + bf16 + f64 + [1, 0, 0, 0])
        let r = try SafetensorsReader(path: path)
        XCTAssertEqual(try r.tensor(named: "h").data, [1, -2, 65504, 0x1p-24])
        XCTAssertEqual(try r.tensor(named: "b").data, [1, -3])
        XCTAssertEqual(try r.tensor(named: "d").data, [Float(0.1)])
        XCTAssertThrowsError(try r.tensor(named: "i")) { e in XCTAssertEqual((e as? AclaError)?.status, .unsupported) }
    }

    func testHalfConversionSpecials() {
        XCTAssertEqual(halfToFloat(0x7C00), .infinity)
        XCTAssertEqual(halfToFloat(0xFC00), -.infinity)
        XCTAssertTrue(halfToFloat(0x7E00).isNaN)
        XCTAssertEqual(halfToFloat(0x8000).sign, .minus)
        XCTAssertEqual(halfToFloat(0x3555), 0.333251953125)
    }

    func testMalformedCorpus() throws {
        let one = floatBytes([1])
        let ok = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#
        // truncated: shorter than the length field, and data cut off
        expectFormat(try rawFile("empty", headerBytes: [], data: [], declaredLength: 0), mentioning: "JSON")
        let tiny = dir.appendingPathComponent("tiny").path
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: tiny))
        expectFormat(tiny, mentioning: "too short")
        expectFormat(try file("cut", header: ok, data: [0, 0]), mentioning: "beyond the 2-byte data buffer")
        // header length beyond the file, and beyond the 100 MB limit (no allocation happens)
        expectFormat(try file("long", header: ok, data: one, declaredLength: 10_000), mentioning: "beyond the end of the file")
        expectFormat(try file("huge", header: ok, data: one, declaredLength: UInt64.max), mentioning: "exceeds the limit")
        expectFormat(try file("huge2", header: ok, data: one, declaredLength: 200_000_000), mentioning: "exceeds the limit")
        // overlapping, holes, trailing bytes
        let two = floatBytes([1, 2])
        expectFormat(try file("overlap", header: #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#, data: two), mentioning: "overlap")
        expectFormat(try file("overlap2", header: #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#, data: two), mentioning: "overlap")
        expectFormat(try file("hole", header: #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#, data: two), mentioning: "hole")
        expectFormat(try file("trailing", header: ok, data: two), mentioning: "trailing bytes")
        // wrong dtype size, unknown dtype
        expectFormat(try file("dsize", header: #"{"a": {"dtype": "F16", "shape": [1], "data_offsets": [0, 4]}}"#, data: one), mentioning: "needs 2")
        expectFormat(try file("dtype", header: #"{"a": {"dtype": "F48", "shape": [1], "data_offsets": [0, 4]}}"#, data: one), mentioning: "unknown dtype")
        // shapes whose byte size overflows
        expectFormat(try file("overflow", header: #"{"a": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 4]}}"#, data: one), mentioning: "overflows")
        expectFormat(try file("overflow2", header: #"{"a": {"dtype": "F64", "shape": [9223372036854775807], "data_offsets": [0, 4]}}"#, data: one), mentioning: "overflows")
        expectFormat(try file("negshape", header: #"{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}"#, data: one), mentioning: "non-negative")
        expectFormat(try file("bigoff", header: #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 18446744073709551615]}}"#, data: one), mentioning: "data_offsets")
        expectFormat(try file("revoff", header: #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}"#, data: one), mentioning: "data_offsets")
        // non-UTF-8 header, non-JSON, wrong structure
        var latin1 = Array(ok.utf8)
        latin1[3] = 0xE9
        expectFormat(try rawFile("latin1", headerBytes: latin1, data: one), mentioning: "UTF-8")
        expectFormat(try file("notjson", header: "not json at all", data: one), mentioning: "JSON")
        expectFormat(try file("array", header: "[1, 2]", data: one), mentioning: "not a JSON object")
        expectFormat(try file("dup", header: #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#, data: two), mentioning: "duplicate key \"a\"")
        expectFormat(try file("extra", header: #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "x": 1}}"#, data: one), mentioning: "unknown field")
        expectFormat(try file("noshape", header: #"{"a": {"dtype": "F32", "data_offsets": [0, 4]}}"#, data: one), mentioning: "shape")
        expectFormat(try file("meta", header: #"{"__metadata__": {"k": 1}, "a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#, data: one), mentioning: "__metadata__")
        expectFormat(try file("entry", header: #"{"a": 5}"#, data: []), mentioning: "must be an object")
    }

    func testNotAFileIsIO() {
        for path in [dir.appendingPathComponent("absent").path, dir.path] {
            XCTAssertThrowsError(try SafetensorsReader(path: path)) { e in XCTAssertEqual((e as? AclaError)?.status, .io) }
        }
    }

    func testAtomicWriteIntoMissingDirectoryIsIO() {
        let path = dir.appendingPathComponent("no/such/dir/x.safetensors").path
        XCTAssertThrowsError(try SafetensorsWriter.write(path: path, tensors: [])) { e in
            XCTAssertEqual((e as? AclaError)?.status, .io)
        }
    }
}
