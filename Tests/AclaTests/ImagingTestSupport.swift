import Foundation
import XCTest
@testable import Acla

/// Locations and helpers shared by the imaging and metric tests.
enum ImagingTestData {
    /// `<package root>/../shared/data`, or a skip when it is absent (the tests must pass without it).
    static func sharedData(file: StaticString = #filePath) throws -> URL {
        let root = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = root.deletingLastPathComponent().appendingPathComponent("shared/data")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: data.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw XCTSkip("../shared/data is absent (\(data.path)); skipping the benchmark-data test")
        }
        return data
    }

    /// A committed fixture (Tests/AclaTests/Fixtures).
    static func fixture(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
            throw AclaError.io("fixture \(name) is missing")
        }
        return url.path
    }

    /// A fresh temporary folder removed by the test's teardown.
    static func temporaryFolder(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("acla-imaging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    static func randomImage(width: Int, height: Int, channels: Int, seed: UInt64) throws -> Image8 {
        var rng = RandomGenerator(seed: seed)
        let pixels = (0..<(width * height * channels)).map { _ in UInt8(truncatingIfNeeded: rng.next() >> 56) }
        return try Image8(width: width, height: height, channels: channels, pixels: pixels)
    }
}
