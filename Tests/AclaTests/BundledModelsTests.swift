import Foundation
import XCTest
@testable import Acla

/// The bundled-model catalog and its lookup (ACLA_MODELS_DIR first).
final class BundledModelsTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "acla-models-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        setenv("ACLA_MODELS_DIR", dir, 1)
    }

    override func tearDownWithError() throws {
        unsetenv("ACLA_MODELS_DIR")
        try? FileManager.default.removeItem(atPath: dir)
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }

    func testLoadsAModelByName() throws {
        let net = try Network(config: ModelConfig.parse(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4, "seed": 3}"#))
        try net.save(to: dir + "/tiny.safetensors")
        try write("catalog.json", #"{"models": [{"name": "sr-x2", "file": "tiny.safetensors", "task": "sr", "scale": 2, "training": {"steps": 1}}]}"#)
        let (found, entries) = try BundledModels.catalog()
        XCTAssertEqual(found, dir)
        XCTAssertEqual(entries.map(\.name), ["sr-x2"])
        XCTAssertEqual(entries.first?.scale, 2)
        let loaded = try BundledModels.load("sr-x2")
        XCTAssertEqual(loaded.config, net.config)
        XCTAssertEqual(loaded.parameters["head.0.weight"]?.value, net.parameters["head.0.weight"]?.value)
        XCTAssertEqual(BundledModels.defaultName(task: "sr", scale: 3), "sr-x3")
        XCTAssertEqual(BundledModels.defaultName(task: "jpeg", scale: 1), "jpeg")
        NumericCheck.assertThrows(.invalidArgument, "unknown name lists the names") { try BundledModels.load("sr-x9") }
        XCTAssertThrowsError(try BundledModels.load("sr-x9")) { XCTAssert("\($0)".contains("sr-x2"), "\($0)") }
    }

    func testMalformedCatalogsAreFormatErrors() throws {
        for text in ["{", #"{"models": 3}"#, #"{"models": [{"name": "a"}]}"#,
                     #"{"models": [{"name": "a", "file": "../x.safetensors", "task": "sr"}]}"#] {
            try write("catalog.json", text)
            XCTAssertThrowsError(try BundledModels.path(of: "a"), text) { error in
                XCTAssertEqual((error as? AclaError)?.status, .format, "\(text): \(error)")
            }
        }
    }

    func testMissingCatalogNamesTheFoldersSearched() throws {
        setenv("ACLA_MODELS_DIR", dir + "/absent", 1)
        // the source tree's models/ may be found after the variable's folder: only check the order
        XCTAssertEqual(BundledModels.searchPath.first, dir + "/absent")
    }
}
