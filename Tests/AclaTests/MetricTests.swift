import Foundation
import XCTest
@testable import Acla

/// PSNR and SSIM against naive float64 code written here from the conventions (plain loops, a
/// full 2-D 11x11 window), and the evaluation pairing of file names.
final class MetricTests: XCTestCase {
    /// Planes (double, H x W each) of an image after Y conversion and shaving.
    func planes(_ image: Image8, y: Bool, border: Int) -> [[Double]] {
        let w = image.width - 2 * border, h = image.height - 2 * border
        let count = (y || image.channels == 1) ? 1 : image.channels
        return (0..<count).map { c in
            var p: [Double] = []
            for yy in border..<(border + h) {
                for xx in border..<(border + w) {
                    if y && image.channels == 3 {
                        let r = Double(image[yy, xx, 0]), g = Double(image[yy, xx, 1]), b = Double(image[yy, xx, 2])
                        p.append(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255)
                    } else {
                        p.append(Double(image[yy, xx, c]))
                    }
                }
            }
            return p
        }
    }

    func naivePSNR(_ a: [[Double]], _ b: [[Double]]) -> Double {
        var s = 0.0, n = 0.0
        for (x, y) in zip(a, b) { for i in 0..<x.count { s += (x[i] - y[i]) * (x[i] - y[i]); n += 1 } }
        return 10 * log10(255 * 255 / (s / n))
    }

    func naiveSSIM(_ x: [Double], _ y: [Double], h: Int, w: Int) -> Double {
        var window = [[Double]](repeating: [Double](repeating: 0, count: 11), count: 11)
        var total = 0.0
        for i in 0..<11 { for j in 0..<11 {
            window[i][j] = exp(-Double((i - 5) * (i - 5) + (j - 5) * (j - 5)) / (2 * 1.5 * 1.5))
            total += window[i][j]
        } }
        let c1: Double = (0.01 * 255) * (0.01 * 255), c2: Double = (0.03 * 255) * (0.03 * 255)
        var sum = 0.0
        for r in 0...(h - 11) {
            for q in 0...(w - 11) {
                var m1 = 0.0, m2 = 0.0, e11 = 0.0, e22 = 0.0, e12 = 0.0
                for i in 0..<11 { for j in 0..<11 {
                    let wt = window[i][j] / total
                    let a = x[(r + i) * w + q + j], b = y[(r + i) * w + q + j]
                    m1 += wt * a; m2 += wt * b; e11 += wt * a * a; e22 += wt * b * b; e12 += wt * a * b
                } }
                let s1 = e11 - m1 * m1, s2 = e22 - m2 * m2, s12 = e12 - m1 * m2
                sum += ((2 * m1 * m2 + c1) * (2 * s12 + c2)) / ((m1 * m1 + m2 * m2 + c1) * (s1 + s2 + c2))
            }
        }
        return sum / Double((h - 10) * (w - 10))
    }

    /// A related pair: b = a plus a little noise, so SSIM is neither 0 nor 1.
    func pair(channels: Int, seed: UInt64) throws -> (Image8, Image8) {
        let a = try ImagingTestData.randomImage(width: 15, height: 13, channels: channels, seed: seed)
        return (a, try GaussianNoise.apply(a, sigma: 20, seed: seed + 100))
    }

    func testPSNRAndSSIMMatchTheNaiveReference() throws {
        for (channels, y, border) in [(3, false, 0), (3, true, 1), (1, false, 1), (3, false, 1), (1, true, 0)] {
            let (a, b) = try pair(channels: channels, seed: UInt64(channels * 10 + border))
            let pa = planes(a, y: y, border: border), pb = planes(b, y: y, border: border)
            let measure: MetricChannels = y ? .y : .rgb
            let psnr = try ImageMetrics.psnr(a, b, border: border, channels: measure)
            XCTAssertEqual(psnr, naivePSNR(pa, pb), accuracy: 1e-10)
            let (h, w) = (13 - 2 * border, 15 - 2 * border)
            let expected = zip(pa, pb).map { naiveSSIM($0, $1, h: h, w: w) }.reduce(0, +) / Double(pa.count)
            let ssim = try ImageMetrics.ssim(a, b, border: border, channels: measure)
            XCTAssertEqual(ssim, expected, accuracy: 1e-12, "c\(channels) y \(y) border \(border)")
            XCTAssertGreaterThan(ssim, 0.1)
            XCTAssertLessThan(ssim, 0.99)
        }
    }

    func testIdenticalImagesAndFloatInputs() throws {
        let (a, b) = try pair(channels: 3, seed: 77)
        XCTAssertEqual(try ImageMetrics.psnr(a, a), .infinity)
        XCTAssertEqual(try ImageMetrics.ssim(a, a), 1, accuracy: 1e-12)
        // Float images are quantised as round(clamp(x, 0, 255)) first.
        var fb = FloatImage(b)
        for i in 0..<fb.values.count { fb.values[i] += (i % 2 == 0 ? 0.3 : -0.45) }
        fb.values[0] = -40
        fb.values[1] = 900
        var qb = b
        qb.pixels[0] = 0
        qb.pixels[1] = 255
        XCTAssertEqual(try ImageMetrics.psnr(FloatImage(a), fb), try ImageMetrics.psnr(a, qb))
        XCTAssertEqual(try ImageMetrics.ssim(FloatImage(a), fb, channels: .y), try ImageMetrics.ssim(a, qb, channels: .y))
        fb.values[5] = .nan
        XCTAssertThrowsError(try ImageMetrics.psnr(FloatImage(a), fb)) { XCTAssertTrue("\($0)".contains("NaN")) }
    }

    func testMetricErrors() throws {
        let (a, _) = try pair(channels: 3, seed: 5)
        let small = try ImagingTestData.randomImage(width: 14, height: 13, channels: 3, seed: 1)
        XCTAssertThrowsError(try ImageMetrics.psnr(a, small)) { XCTAssertEqual(($0 as? AclaError)?.status, .shape) }
        XCTAssertThrowsError(try ImageMetrics.psnr(a, ColorConversion.rgbToGray(a))) { XCTAssertEqual(($0 as? AclaError)?.status, .shape) }
        XCTAssertThrowsError(try ImageMetrics.psnr(a, a, border: 7)) { XCTAssertEqual(($0 as? AclaError)?.status, .invalidArgument) }
        XCTAssertThrowsError(try ImageMetrics.psnr(a, a, border: -1))
        XCTAssertThrowsError(try ImageMetrics.ssim(a, a, border: 2)) { error in
            XCTAssertEqual((error as? AclaError)?.status, .invalidArgument)
            XCTAssertTrue("\(error)".contains("11 x 11"), "\(error)")
        }
        XCTAssertEqual(try ImageMetrics.psnr(a, a, border: 6), .infinity)
    }

    func testPairingToleratesBenchmarkSuffixes() throws {
        XCTAssertEqual(EvaluationPairing.referenceKey("baby_HR_x2.png"), "baby")
        XCTAssertEqual(EvaluationPairing.referenceKey("baby.png"), "baby")
        XCTAssertEqual(EvaluationPairing.referenceKey("lena_HQ_Q10.png"), "lena")
        XCTAssertEqual(EvaluationPairing.referenceKey("01.png"), "01")
        XCTAssertTrue(EvaluationPairing.isLowQualityName("baby_LRBI_x2.png"))
        XCTAssertTrue(EvaluationPairing.isLowQualityName("baby_LR.png"))
        XCTAssertTrue(EvaluationPairing.isLowQualityName("lena_LQ_Q10.png"))
        XCTAssertFalse(EvaluationPairing.isLowQualityName("baby_HR_x2.png"))
        XCTAssertFalse(EvaluationPairing.isLowQualityName("flower.png"))
        XCTAssertEqual(EvaluationPairing.restoredKeys("baby_RCAN_x2.png"), ["baby_rcan", "baby"])
        XCTAssertEqual(EvaluationPairing.restoredKeys("babyx2.png"), ["baby"])
        XCTAssertEqual(EvaluationPairing.restoredKeys("img_001_SR_x4.png"), ["img_001_sr", "img_001", "img"])
    }

    func testPairingFolders() throws {
        let root = try ImagingTestData.temporaryFolder(self)
        let ref = root.appendingPathComponent("ref"), out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: ref, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        for name in ["a_HR_x2.png", "a_LRBI_x2.png", "img_001_HR_x2.png", "img_0012_HR_x2.png", "lonely_HR_x2.png", "notes.txt"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: ref.appendingPathComponent(name).path, contents: Data()))
        }
        for name in ["a_RCAN_x2.png", "img_001_RCAN_x2.png", "img_0012_RCAN_x2.png", "stray_x2.png"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: out.appendingPathComponent(name).path, contents: Data()))
        }
        let (pairs, notes) = try EvaluationPairing.pairs(reference: ref.path, restored: out.path)
        XCTAssertEqual(pairs.map { Paths.fileName($0.reference) }, ["a_HR_x2.png", "img_0012_HR_x2.png", "img_001_HR_x2.png"])
        XCTAssertEqual(pairs.map { Paths.fileName($0.restored) }, ["a_RCAN_x2.png", "img_0012_RCAN_x2.png", "img_001_RCAN_x2.png"])
        XCTAssertEqual(notes.count, 2)
        XCTAssertTrue(notes.contains { $0.contains("stray_x2.png") })
        XCTAssertTrue(notes.contains { $0.contains("lonely_HR_x2.png") })
        XCTAssertThrowsError(try EvaluationPairing.pairs(reference: ref.path, restored: root.appendingPathComponent("none").path)) {
            XCTAssertEqual(($0 as? AclaError)?.status, .io)
        }
    }
}
