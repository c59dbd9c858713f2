import Foundation
import XCTest
@testable import Acla

final class ModelConfigTests: XCTestCase {
    func expectError(_ json: String, _ status: AclaStatus, mentioning text: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ModelConfig.parse(json), json, file: file, line: line) { e in
            guard let e = e as? AclaError else { return XCTFail("not an AclaError: \(e)", file: file, line: line) }
            XCTAssertEqual(e.status, status, e.message, file: file, line: line)
            XCTAssertTrue(e.message.contains(text), "'\(e.message)' lacks '\(text)'", file: file, line: line)
        }
    }

    func testDefaultsAndCanonicalJSON() throws {
        let edsr = try ModelConfig.parse(#"{"backbone": "edsr", "scale": 3}"#)
        XCTAssertEqual(edsr.json, #"{"backbone": "edsr", "task": "sr", "scale": 3, "channels": 3, "blocks": 16, "features": 64, "res_scale": 1.0, "attention": {"kind": "none"}, "seed": 0}"#)
        let rcan = try ModelConfig.parse(#"{"seed": 7, "backbone": "rcan", "scale": 4}"#)
        XCTAssertEqual(rcan.json, #"{"backbone": "rcan", "task": "sr", "scale": 4, "channels": 3, "groups": 10, "blocks": 20, "features": 64, "reduction": 16, "attention": {"kind": "none"}, "seed": 7}"#)
        let jpeg = try ModelConfig.parse(#"{"backbone": "edsr", "task": "jpeg"}"#)
        XCTAssertEqual(jpeg.scale, 1)
        XCTAssertEqual(jpeg.channels, 1)
        XCTAssertEqual(try ModelConfig.parse(#"{"backbone": "edsr", "task": "denoise"}"#).channels, 3)
    }

    func testRoundTripIsCanonical() throws {
        let sources = [
            #"{"backbone": "edsr", "scale": 2, "blocks": 32, "features": 256, "res_scale": 0.1, "attention": {"kind": "acla", "positions": [3, 12, 26, 31, 32]}}"#,
            #"{"backbone": "rcan", "scale": 2, "attention": {"kind": "cla", "positions": "all", "keys": 4}}"#,
            #"{"backbone": "edsr", "task": "denoise", "channels": 1, "attention": {"kind": "nl", "positions": [8, 16]}, "seed": 12}"#,
        ]
        for s in sources {
            let c = try ModelConfig.parse(s)
            let again = try ModelConfig.parse(c.json)
            XCTAssertEqual(c, again)
            XCTAssertEqual(c.json, again.json)
        }
        let acla = try ModelConfig.parse(sources[0])
        XCTAssertEqual(acla.attention.keys, 16)
        XCTAssertEqual(acla.attention.positions, .list([3, 12, 26, 31, 32]))
        XCTAssertTrue(acla.json.contains(#""attention": {"kind": "acla", "positions": [3, 12, 26, 31, 32], "keys": 16}"#))
        XCTAssertEqual(try ModelConfig.parse(sources[1]).attention.positions, .all)
    }

    /// Keys the backbone ignores do not make configs differ (fuzz-config's finding): the
    /// canonical round trip equals the original, and different ignored values compare equal.
    func testIgnoredKeysDoNotCount() throws {
        let edsr = try ModelConfig.parse(#"{"backbone": "edsr", "scale": 2 ,"blocks": 22,"reduction": 5, "groups": 3, "seed": 8}"#)
        XCTAssertEqual(edsr, try ModelConfig.parse(edsr.json))
        XCTAssertEqual(edsr, try ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 22, "seed": 8}"#))
        let rcan = try ModelConfig.parse(#"{"backbone": "rcan", "scale": 2, "res_scale": 1}"#)
        XCTAssertEqual(rcan, try ModelConfig.parse(rcan.json))
        XCTAssertNotEqual(rcan, try ModelConfig.parse(#"{"backbone": "rcan", "scale": 2, "reduction": 8}"#))
        XCTAssertNotEqual(edsr, try ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 22, "seed": 9}"#))
    }

    func testUnknownKeysAndWrongTypes() {
        expectError(#"{"backbone": "edsr", "scale": 2, "blocs": 4}"#, .invalidArgument, mentioning: "\"blocs\"")
        expectError(#"{"backbone": "edsr", "scale": 2, "attention": {"kind": "cla", "positions": [1], "key": 4}}"#,
                    .invalidArgument, mentioning: "attention.key")
        expectError(#"{"backbone": "edsr", "scale": 2.0}"#, .invalidArgument, mentioning: "\"scale\" must be an integer")
        expectError(#"{"backbone": "edsr", "scale": true}"#, .invalidArgument, mentioning: "\"scale\"")
        expectError(#"{"backbone": "edsr", "scale": "2"}"#, .invalidArgument, mentioning: "\"scale\"")
        expectError(#"{"backbone": "edsr", "scale": 2, "res_scale": false}"#, .invalidArgument, mentioning: "\"res_scale\" must be a number")
        expectError(#"{"backbone": "edsr", "scale": 2, "features": 64.5}"#, .invalidArgument, mentioning: "\"features\"")
        expectError(#"{"backbone": 1, "scale": 2}"#, .invalidArgument, mentioning: "\"backbone\"")
        expectError(#"{"backbone": "srcnn", "scale": 2}"#, .invalidArgument, mentioning: "\"backbone\" must be one of")
        expectError(#"{"backbone": "edsr", "task": "deblur"}"#, .invalidArgument, mentioning: "\"task\"")
        expectError(#"{"backbone": "edsr", "scale": 2, "attention": "acla"}"#, .invalidArgument, mentioning: "\"attention\"")
        expectError(#"{"backbone": "edsr", "scale": 2, "attention": {"kind": "transformer"}}"#, .invalidArgument, mentioning: "attention.kind")
        expectError(#"{"backbone": "edsr", "scale": 2, "attention": {"kind": "cla", "positions": [1.0]}}"#, .invalidArgument, mentioning: "attention.positions")
        expectError(#"{"backbone": "edsr", "scale": 2, "attention": {"kind": "cla", "positions": "some"}}"#, .invalidArgument, mentioning: "attention.positions")
        expectError(#"{"backbone": "edsr", "scale": 2, "seed": 1e30}"#, .invalidArgument, mentioning: "\"seed\"")
        expectError(#"{"backbone": "edsr", "scale": 2, "seed": 99999999999999999999}"#, .invalidArgument, mentioning: "\"seed\" is out of range")
        expectError(#"[1, 2]"#, .invalidArgument, mentioning: "JSON object")
        expectError(#"{"scale": 2}"#, .invalidArgument, mentioning: "\"backbone\" is required")
        expectError(#"{"backbone": "edsr"}"#, .invalidArgument, mentioning: "\"scale\" is required")
    }

    func testOutOfRange() {
        expectError(#"{"backbone": "edsr", "scale": 5}"#, .invalidArgument, mentioning: "\"scale\"")
        expectError(#"{"backbone": "edsr", "task": "denoise", "scale": 2}"#, .invalidArgument, mentioning: "\"scale\"")
        expectError(#"{"backbone": "edsr", "scale": 2, "channels": 1}"#, .invalidArgument, mentioning: "\"channels\"")
        expectError(#"{"backbone": "edsr", "task": "denoise", "channels": 2}"#, .invalidArgument, mentioning: "\"channels\"")
        expectError(#"{"backbone": "edsr", "scale": 2, "blocks": 0}"#, .invalidArgument, mentioning: "\"blocks\"")
        expectError(#"{"backbone": "edsr", "scale": 2, "blocks": 100000}"#, .invalidArgument, mentioning: "\"blocks\"")
        expectError(#"{"backbone": "edsr", "scale": 2, "features": -1}"#, .invalidArgument, mentioning: "\"features\"")
        expectError(#"{"backbone": "edsr", "scale": 2, "features": 1000000000}"#, .invalidArgument, mentioning: "\"features\"")
        expectError(#"{"backbone": "rcan", "scale": 2, "groups": 1000}"#, .invalidArgument, mentioning: "\"groups\"")
        expectError(#"{"backbone": "rcan", "scale": 2, "features": 8, "reduction": 16}"#, .invalidArgument, mentioning: "\"reduction\"")
        expectError(#"{"backbone": "rcan", "scale": 2, "res_scale": 0.1}"#, .invalidArgument, mentioning: "\"res_scale\"")
        expectError(#"{"backbone": "edsr", "scale": 2, "res_scale": 0}"#, .invalidArgument, mentioning: "\"res_scale\"")
        expectError(#"{"backbone": "edsr", "scale": 2, "seed": -1}"#, .invalidArgument, mentioning: "\"seed\"")
        // each size in range, the whole absurd: refused before allocating
        expectError(#"{"backbone": "edsr", "scale": 4, "blocks": 256, "features": 1024}"#, .outOfMemory, mentioning: "parameters")
    }

    func testAttentionPositions() {
        expectError(#"{"backbone": "edsr", "scale": 2, "blocks": 4, "attention": {"kind": "cla", "positions": [0, 2]}}"#,
                    .invalidArgument, mentioning: "attention.positions")
        expectError(#"{"backbone": "edsr", "scale": 2, "blocks": 4, "attention": {"kind": "cla", "positions": [2, 5]}}"#,
                    .invalidArgument, mentioning: "1...4")
        expectError(#"{"backbone": "edsr", "scale": 2, "attention": {"kind": "cla", "positions": [3, 2]}}"#,
                    .invalidArgument, mentioning: "sorted and unique")
        expectError(#"{"backbone": "edsr", "scale": 2, "attention": {"kind": "cla", "positions": [2, 2]}}"#,
                    .invalidArgument, mentioning: "sorted and unique")
        expectError(#"{"backbone": "edsr", "scale": 2, "attention": {"kind": "cla", "positions": []}}"#,
                    .invalidArgument, mentioning: "attention.positions")
        expectError(#"{"backbone": "edsr", "scale": 2, "attention": {"kind": "none", "positions": [1]}}"#,
                    .invalidArgument, mentioning: "attention.positions")
        expectError(#"{"backbone": "edsr", "scale": 2, "attention": {"kind": "cla", "positions": [1], "keys": 0}}"#,
                    .invalidArgument, mentioning: "attention.keys")
        expectError(#"{"backbone": "edsr", "scale": 2, "attention": {"kind": "cla", "positions": [1], "keys": 100000}}"#,
                    .invalidArgument, mentioning: "attention.keys")
        expectError(#"{"backbone": "edsr", "scale": 2, "attention": {"kind": "se", "positions": [1], "keys": 8}}"#,
                    .invalidArgument, mentioning: "attention.keys")
        // RCAN's L is the number of groups
        expectError(#"{"backbone": "rcan", "scale": 2, "attention": {"kind": "acla", "positions": [1, 11]}}"#,
                    .invalidArgument, mentioning: "1...10")
        XCTAssertNoThrow(try ModelConfig.parse(#"{"backbone": "rcan", "scale": 2, "attention": {"kind": "acla", "positions": [1, 3, 5, 9]}}"#))
        XCTAssertEqual(try ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "attention": {"kind": "cla", "positions": [1]}}"#).attention.keys, 8)
    }

    func testMalformedJSONIsFormat() {
        for bad in ["", "{", #"{"backbone": "edsr",}"#, #"{"backbone": "edsr" "scale": 2}"#, "{'backbone': 'edsr'}",
                    #"{"backbone": "edsr", "scale": 2} x"#, #"{"backbone": "edsr", "backbone": "rcan", "scale": 2}"#,
                    #"{"backbone": "ed\u0000sr"#, "{\"a\": \"\u{01}\"}", #"{"a": 01}"#, #"{"a": 1e999}"#, #"{"a": "\ud800"}"#,
                    #"{"a": NaN}"#, String(repeating: "[", count: 100) + String(repeating: "]", count: 100)] {
            expectError(bad, .format, mentioning: "JSON")
        }
        expectError(#"{"backbone": "edsr", "backbone": "rcan", "scale": 2}"#, .format, mentioning: "duplicate key \"backbone\"")
    }

    func testJSONParserValues() throws {
        let v = try JSONParser.parse(#" {"a": [1, -2.5e1, true, null, "x\u00e9\n\ud83d\ude00"], "b": {}} "#)
        guard case .object(let o) = v, case .array(let a)? = o["a"] else { return XCTFail() }
        XCTAssertEqual(a, [.integer(1), .number(-25), .bool(true), .null, .string("x\u{e9}\n\u{1F600}")])
        XCTAssertEqual(o.keys, ["a", "b"])
        XCTAssertEqual(JSONWriter.string(v), #"{"a": [1, -25.0, true, null, "xé\n😀"], "b": {}}"#)
    }

    /// Every shipped example config parses, and the plain ones build with the documented sizes.
    func testExampleConfigs() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("examples/configs")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }
        XCTAssertGreaterThanOrEqual(files.count, 13)
        for file in files {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            let config = try ModelConfig.parse(text)
            if file.hasPrefix("edsr_baseline_x2") { XCTAssertEqual(BackboneLayout(config: config).parameterCount, 1_369_883) }
            if file == "edsr_x2_acla.json" { XCTAssertEqual(config.attention.positions, .list([3, 12, 26, 31, 32])) }
        }
    }
}
