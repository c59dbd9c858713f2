import XCTest
@testable import Acla

/// The registry is the one place backbones are named: configs parse by it, layouts and networks
/// are built from each definition, and unknown names list what is registered.
final class BackboneRegistryTests: XCTestCase {
    func testEveryRegisteredBackboneBuildsItsLayout() throws {
        XCTAssertEqual(BackboneRegistry.names, ["edsr", "rcan"])
        for definition in BackboneRegistry.all {
            let json = #"{"backbone": "\#(definition.name)", "scale": 2, "blocks": 2, "groups": 2, "features": 8, "reduction": 4}"#
            let config = try ModelConfig.parse(json)
            XCTAssertEqual(config.backbone.rawValue, definition.name)
            XCTAssertEqual(config.layers, definition.layers(config))
            let net = try Network(config: config)
            let layout = BackboneLayout(config: config)
            XCTAssertEqual(net.parameterCount, layout.parameterCount)
            // the body's convolutions sit between head.0 and the tail, ending with the closing conv
            let body = definition.bodyConvolutions(config).map(\.name)
            XCTAssertEqual(body.last, definition.bodyConvolutionName(config))
            let names = layout.convolutions.map(\.name)
            let head = try XCTUnwrap(names.firstIndex(of: "head.0"))
            XCTAssertEqual(Array(names[(head + 1)..<(head + 1 + body.count)]), body)
            // canonical JSON (the definition writes its own keys) is a fixed point
            XCTAssertEqual(try ModelConfig.parse(config.json).json, config.json)
        }
    }

    func testUnknownBackboneListsTheRegisteredOnes() {
        XCTAssertNil(ModelConfig.Backbone(rawValue: "swinir"))
        XCTAssertThrowsError(try ModelConfig.parse(#"{"backbone": "swinir", "scale": 2}"#)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("\"swinir\"") && text.contains("\"edsr\", \"rcan\""), text)
        }
    }
}
