import XCTest
@testable import Acla

/// Exact parameter counts and MACs of CONVENTIONS.md section 1 (computed from the layout, and
/// checked against built networks where building is quick).
final class ModelCountTests: XCTestCase {
    func count(_ json: String) throws -> Int { BackboneLayout(config: try ModelConfig.parse(json)).parameterCount }

    func testEDSRBaselineCounts() throws {
        for (scale, expected) in [(2, 1_369_883), (3, 1_554_523), (4, 1_517_595)] {
            let json = #"{"backbone": "edsr", "scale": \#(scale)}"#
            XCTAssertEqual(try count(json), expected, "x\(scale)")
        }
        // the built network registers exactly the layout's parameters
        XCTAssertEqual(try Network(config: ModelConfig.parse(#"{"backbone": "edsr", "scale": 2}"#)).parameterCount, 1_369_883)
    }

    func testEDSRFullCounts() throws {
        for (scale, expected) in [(2, 40_729_627), (3, 43_680_027), (4, 43_089_947)] {
            let json = #"{"backbone": "edsr", "scale": \#(scale), "blocks": 32, "features": 256, "res_scale": 0.1}"#
            XCTAssertEqual(try count(json), expected, "x\(scale)")
        }
    }

    func testRCANCounts() throws {
        for (scale, expected) in [(2, 15_444_667), (3, 15_629_307), (4, 15_592_379)] {
            XCTAssertEqual(try count(#"{"backbone": "rcan", "scale": \#(scale)}"#), expected, "x\(scale)")
        }
    }

    func testBuiltNetworksMatchLayout() throws {
        for json in [#"{"backbone": "rcan", "scale": 4, "groups": 2, "blocks": 3, "features": 8, "reduction": 4}"#,
                     #"{"backbone": "edsr", "task": "denoise", "channels": 1, "blocks": 3, "features": 8}"#] {
            let net = try Network(config: ModelConfig.parse(json))
            XCTAssertEqual(net.parameterCount, net.layout.parameterCount, json)
            XCTAssertEqual(net.parameters.names.count, 2 * net.layout.convolutions.count, json)
        }
    }

    /// The paper's "93.97 G FLOPs" row for full EDSR x2 at 48x48 is this MAC count.
    func testFullEDSRMacs() throws {
        let c = try ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 32, "features": 256, "res_scale": 0.1}"#)
        XCTAssertEqual(try BackboneLayout(config: c).macs(height: 48, width: 48), 93_847_590_144)
    }

    /// MACs by hand for a tiny x4 RCAN: each conv's h*w*cin*cout*k*k at its own resolution.
    func testTinyMacsByHand() throws {
        let net = try Network(config: ModelConfig.parse(#"{"backbone": "rcan", "scale": 4, "groups": 1, "blocks": 1, "features": 8, "reduction": 4}"#))
        let (h, w) = (5, 7)
        let p = h * w
        var expected = p * 9 + 16 * p * 9            // sub_mean at 1x, add_mean at 4x
        expected += p * 3 * 8 * 9                    // head
        expected += 2 * p * 8 * 8 * 9 + 8 * 2 * 2    // RCAB convs + channel attention on 1x1
        expected += 2 * p * 8 * 8 * 9                // group conv, body conv
        expected += p * 8 * 32 * 9 + 4 * p * 8 * 32 * 9  // upsampler at 1x and 2x
        expected += 16 * p * 8 * 3 * 9               // tail.1 at 4x
        XCTAssertEqual(try net.macs(height: h, width: w), UInt64(expected))
    }

    func testMacsOverflowIsAnError() throws {
        let c = try ModelConfig.parse(#"{"backbone": "edsr", "scale": 4, "blocks": 32, "features": 1024}"#)
        XCTAssertThrowsError(try BackboneLayout(config: c).macs(height: Int(Int32.max), width: Int(Int32.max)))
    }
}
