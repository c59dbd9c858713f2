import Foundation
import XCTest
@testable import Acla

/// Acceptance: RCAN's published Set5 numbers (its MATLAB script: Y, shave = scale) are
/// reproduced per image to 4 decimals from the official outputs.
final class MetricBenchmarkTests: XCTestCase {
    /// (scale, image) -> (PSNR, SSIM) from published_results.txt, Method_1 (RCAN).
    static func published(_ data: URL) throws -> [String: (Double, Double)] {
        let text = try String(contentsOf: data.appendingPathComponent("Set5/RCAN_outputs/published_results.txt"), encoding: .utf8)
        var out: [String: (Double, Double)] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("Method_2") { break }
            let parts = line.split(separator: " ")
            guard parts.count == 7, parts[3] == "PSNR=", let p = Double(parts[4]), let s = Double(parts[6]) else { continue }
            out["\(parts[0]) \(parts[2].dropLast())"] = (p, s)
        }
        return out
    }

    func testRCANPublishedNumbersAreReproduced() throws {
        let data = try ImagingTestData.sharedData()
        let published = try MetricBenchmarkTests.published(data)
        XCTAssertEqual(published.count, 20)
        for scale in [2, 3, 4] {
            let report = try Evaluation.run(
                reference: data.appendingPathComponent("Set5/replicate/x\(scale)").path,
                restored: data.appendingPathComponent("Set5/RCAN_outputs/x\(scale)").path,
                options: .init(channels: .y, border: scale, scale: scale))
            XCTAssertEqual(report.scores.count, 5)
            XCTAssertTrue(report.notes.isEmpty, "\(report.notes)")
            for score in report.scores {
                let name = (score.restored as NSString).lastPathComponent
                guard let (p, s) = published["x\(scale) \(name)"] else {
                    XCTFail("no published number for \(name)")
                    continue
                }
                XCTAssertEqual(score.psnr, p, accuracy: 2e-5, "PSNR of \(name)")
                XCTAssertEqual(score.ssim, s, accuracy: 2e-5, "SSIM of \(name)")
                print(String(format: "x%d %@ %.6f (%.6f) %.6f (%.6f)", scale, name, score.psnr, p, score.ssim, s))
            }
        }
    }
}
