import Foundation
import XCTest
@testable import Acla

/// Acceptance on the benchmark data (skipped when ../shared/data is absent).
final class DegradationBenchmarkTests: XCTestCase {
    /// classic5 at JPEG quality 10 through libjpeg-turbo reproduces the LQ images bit for bit.
    func testClassic5JPEGQuality10IsExact() throws {
        let folder = try ImagingTestData.sharedData().appendingPathComponent("classic5_jpeg_q10")
        for name in ["baboon", "barbara", "boats", "lena", "peppers"] {
            let hq = try ImageFile.read(folder.appendingPathComponent("\(name)_HQ_Q10.png").path).image
            let lq = try ImageFile.read(folder.appendingPathComponent("\(name)_LQ_Q10.png").path).image
            XCTAssertEqual(hq.channels, 1, name)
            let made = try JPEGDegradation.roundTrip(hq, quality: 10)
            let differing = zip(made.pixels, lq.pixels).filter { $0 != $1 }.count
            XCTAssertEqual(made.pixels.count, lq.pixels.count, name)
            XCTAssertEqual(differing, 0, "\(name): \(differing) samples differ")
        }
    }

    /// RNAN's demosaicing input keeps the GRBG samples of the HQ image and zeros elsewhere.
    func testKodakMosaicSampleIsGRBG() throws {
        let folder = try ImagingTestData.sharedData().appendingPathComponent("Kodak24_samples/Demosaic")
        let hq = try ImageFile.read(folder.appendingPathComponent("HQ/Kodak24/N1/kodim01_HQ_N1.png").path).image
        let lq = try ImageFile.read(folder.appendingPathComponent("LQ/Kodak24/N1/kodim01_LQ_N1.png").path).image
        let made = try BayerMosaic.mosaic(hq)
        XCTAssertEqual(made.width, lq.width)
        XCTAssertEqual(made.height, lq.height)
        let differing = zip(made.pixels, lq.pixels).filter { $0 != $1 }.count
        XCTAssertEqual(differing, 0, "\(differing) samples differ from the Kodak mosaic")
    }

    /// RNAN's gray denoising ground truth is MATLAB rgb2gray of the colour image.
    func testKodakGrayIsMatlabRgb2gray() throws {
        let data = try ImagingTestData.sharedData().appendingPathComponent("Kodak24_samples")
        let rgb = try ImageFile.read(data.appendingPathComponent("DN_RGB/HQ/Kodak24/N10/kodim01_HQ_N10.png").path).image
        let gray = try ImageFile.read(data.appendingPathComponent("DN_Gray/HQ/Kodak24/N10/kodim01_HQ_N10.png").path).image
        XCTAssertEqual(gray.channels, 1)
        let made = ColorConversion.rgbToGray(rgb)
        let differing = zip(made.pixels, gray.pixels).filter { $0 != $1 }.count
        XCTAssertEqual(differing, 0, "\(differing) samples differ from the Kodak gray image")
    }

    /// The Kodak noisy sample is HQ + N(0, 10^2) in the 8-bit convention: its residual has the
    /// noise's spread (RNAN used MATLAB's randn, so only the statistics can be compared).
    func testKodakNoiseSampleStatistics() throws {
        let folder = try ImagingTestData.sharedData().appendingPathComponent("Kodak24_samples/DN_RGB")
        let hq = try ImageFile.read(folder.appendingPathComponent("HQ/Kodak24/N10/kodim01_HQ_N10.png").path).image
        let lq = try ImageFile.read(folder.appendingPathComponent("LQ/Kodak24/N10/kodim01_LQ_N10.png").path).image
        let ours = try GaussianNoise.apply(hq, sigma: 10, seed: 1)
        func spread(_ a: Image8) -> Double {
            let d = zip(a.pixels, hq.pixels).map { Double($0) - Double($1) }
            let mean = d.reduce(0, +) / Double(d.count)
            return (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d.count)).squareRoot()
        }
        XCTAssertEqual(spread(ours), spread(lq), accuracy: 0.15)
    }
}
