import XCTest
@testable import Acla

/// Every model of the repository's models/catalog.json restores a committed photo crop (degraded
/// as its task's benchmarks degrade) better than the task's trivial baseline, and its quantised
/// output stays what it was when the model was bundled (Fixtures/bundled/<name>.png).
///
/// The expected outputs are regenerated only deliberately, after a model changes:
/// `ACLA_REGENERATE_BUNDLED=1 swift test --filter BundledModelQualityTests`. They are compared
/// exactly, except that up to 1% of the samples may differ by one level: the last bits of a float
/// convolution depend on the CPU's BLAS kernel and vector width, and a value near .5 rounds
/// either way.
final class BundledModelQualityTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    private var fixtures: String { root.appendingPathComponent("Fixtures").path }

    func testBundledModelsBeatTheirBaselinesAndStayStable() throws {
        let models = root.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models").path
        setenv("ACLA_MODELS_DIR", models, 1)
        defer { unsetenv("ACLA_MODELS_DIR") }
        let (_, entries) = try BundledModels.catalog()
        XCTAssertFalse(entries.isEmpty, "models/catalog.json lists no model")
        // a 64x64 crop keeps the expected outputs small (at most 128x128 for sr x2)
        let photo = try ImageFile.read(fixtures + "/restore_chelsea_crop.png").image.cropped(top: 16, left: 24, height: 64, width: 64)
        let regenerate = getenv("ACLA_REGENERATE_BUNDLED") != nil
        for entry in entries {
            let network = try BundledModels.load(entry.name)
            let config = network.config
            let input = try TaskComparison.degrade(photo, config: config, settings: .init(sigma: 25, quality: 10, seed: 11))
            let (restored, _) = try Restorer(network: network).restore(input, options: RestoreOptions(tile: 0))
            let ours = try TaskComparison.measure(restored, reference: photo, config: config)
            let base = try TaskComparison.measure(try TaskComparison.baseline(input, config: config), reference: photo, config: config)
            XCTAssertGreaterThan(ours.psnr, base.psnr + 0.3, "\(entry.name): \(ours.psnr) dB vs the baseline's \(base.psnr) dB")
            let expectedPath = fixtures + "/bundled/\(entry.name).png"
            if regenerate {
                try ImageFile.write(restored, to: expectedPath)
                continue
            }
            let expected = try ImageFile.read(expectedPath).image
            XCTAssertEqual([expected.width, expected.height, expected.channels], [restored.width, restored.height, restored.channels], entry.name)
            guard expected.pixels.count == restored.pixels.count else { continue }
            var differing = 0, worst = 0
            for (a, b) in zip(expected.pixels, restored.pixels) where a != b {
                differing += 1
                worst = max(worst, abs(Int(a) - Int(b)))
            }
            XCTAssertLessThanOrEqual(worst, 1, "\(entry.name): an output sample moved by \(worst) levels")
            XCTAssertLessThanOrEqual(differing * 100, expected.pixels.count, "\(entry.name): \(differing) samples changed")
        }
    }
}
