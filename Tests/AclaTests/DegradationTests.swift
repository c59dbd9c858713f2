import Foundation
import XCTest
@testable import Acla

/// Noise, colour conversions, mosaic, JPEG round trip and the tensor bridge, against plain
/// float64 formulas written here.
final class DegradationTests: XCTestCase {
    func testNoiseStreamIsStandardNormal() {
        var stream = GaussianNoiseStream(seed: 3)
        let n = 40000
        let xs = (0..<n).map { _ in stream.next() }
        let mean = xs.reduce(0, +) / Double(n)
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        let within1 = Double(xs.filter { abs($0) < 1 }.count) / Double(n)
        XCTAssertEqual(mean, 0, accuracy: 0.02)
        XCTAssertEqual(variance, 1, accuracy: 0.03)
        XCTAssertEqual(within1, 0.6827, accuracy: 0.01)
        // The documented construction, recomputed from SplitMix64 directly.
        var rng = RandomGenerator(seed: 3)
        let u1 = (Double(rng.next() >> 11) + 1) * 0x1.0p-53
        let u2 = Double(rng.next() >> 11) * 0x1.0p-53
        let r = (-2 * log(u1)).squareRoot()
        XCTAssertEqual(xs[0], r * cos(2 * Double.pi * u2))
        XCTAssertEqual(xs[1], r * sin(2 * Double.pi * u2))
    }

    func testNoiseConventionsShareTheirNoise() throws {
        let image = try ImagingTestData.randomImage(width: 12, height: 10, channels: 3, seed: 8)
        let floatNoisy = try GaussianNoise.apply(FloatImage(image), sigma: 25, seed: 42)
        let byteNoisy = try GaussianNoise.apply(image, sigma: 25, seed: 42)
        var stream = GaussianNoiseStream(seed: 42)
        for i in 0..<image.pixels.count {
            let expected = Double(image.pixels[i]) + 25 * stream.next()
            XCTAssertEqual(Double(floatNoisy.values[i]), expected, accuracy: 1e-4)
            let q = min(max(expected.rounded(.toNearestOrAwayFromZero), 0), 255)
            XCTAssertEqual(Double(byteNoisy.pixels[i]), q)
        }
        XCTAssertEqual(try GaussianNoise.apply(image, sigma: 25, seed: 42), byteNoisy, "same seed, same noise")
        XCTAssertNotEqual(try GaussianNoise.apply(image, sigma: 25, seed: 43), byteNoisy)
        XCTAssertEqual(try GaussianNoise.apply(image, sigma: 0, seed: 1), image)
        for sigma in [-1, Double.nan, Double.infinity] {
            XCTAssertThrowsError(try GaussianNoise.apply(image, sigma: sigma, seed: 1)) {
                XCTAssertEqual(($0 as? AclaError)?.status, .invalidArgument)
            }
        }
    }

    /// Noise statistics on a flat fixture region: the residual has the requested spread.
    func testNoiseStatisticsOnAFixture() throws {
        let gray = try ImageFile.read(try ImagingTestData.fixture("photo_gray.png")).image
        let flat = try Image8(width: 32, height: 24, channels: 1, repeating: 128)
        for image in [flat, gray] {
            let noisy = try GaussianNoise.apply(FloatImage(image), sigma: 15, seed: 9)
            let d = zip(noisy.values, image.pixels).map { Double($0) - Double($1) }
            let mean = d.reduce(0, +) / Double(d.count)
            let sd = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d.count)).squareRoot()
            XCTAssertEqual(mean, 0, accuracy: 1.5)
            XCTAssertEqual(sd, 15, accuracy: 1.0)
        }
    }

    func testColourConversions() throws {
        let image = try ImagingTestData.randomImage(width: 7, height: 5, channels: 3, seed: 4)
        let gray = ColorConversion.rgbToGray(image)
        let y = ColorConversion.rgbToY(image)
        XCTAssertEqual(gray.channels, 1)
        for i in 0..<35 {
            let (r, g, b) = (Double(image.pixels[3 * i]), Double(image.pixels[3 * i + 1]), Double(image.pixels[3 * i + 2]))
            let expectedGray = (0.298936021293775 * r + 0.587043074451121 * g + 0.114020904255103 * b).rounded(.toNearestOrAwayFromZero)
            XCTAssertEqual(Double(gray.pixels[i]), expectedGray)
            XCTAssertEqual(Double(y.values[i]), 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255, accuracy: 1e-4)
        }
        let white = try Image8(width: 1, height: 1, channels: 3, repeating: 255)
        XCTAssertEqual(ColorConversion.rgbToY(white).values[0], 235, accuracy: 1e-4)
        XCTAssertEqual(ColorConversion.rgbToGray(white).pixels, [255])
        XCTAssertEqual(ColorConversion.rgbToGray(gray), gray)
    }

    func testMosaicKeepsTheGRBGSamples() throws {
        let image = try ImageFile.read(try ImagingTestData.fixture("photo_rgb.png")).image
        let mosaic = try BayerMosaic.mosaic(image)
        for y in 0..<image.height {
            for x in 0..<image.width {
                // Row 0: G R G R ...; row 1: B G B G ...
                let kept = y % 2 == 0 ? (x % 2 == 0 ? 1 : 0) : (x % 2 == 0 ? 2 : 1)
                for c in 0..<3 { XCTAssertEqual(mosaic[y, x, c], c == kept ? image[y, x, c] : 0, "(\(y), \(x), \(c))") }
            }
        }
        XCTAssertThrowsError(try BayerMosaic.mosaic(ColorConversion.rgbToGray(image)))
        XCTAssertEqual(try BayerMosaic.mosaic(FloatImage(image)).values, mosaic.pixels.map(Float.init))
    }

    func testJPEGRoundTrip() throws {
        let gray = try ImageFile.read(try ImagingTestData.fixture("photo_gray.png")).image
        let rgb = try ImageFile.read(try ImagingTestData.fixture("photo_rgb.png")).image
        let q10 = try JPEGDegradation.roundTrip(gray, quality: 10)
        XCTAssertEqual(q10, try JPEGDegradation.roundTrip(gray, quality: 10), "deterministic")
        XCTAssertNotEqual(q10, gray)
        let p10 = try ImageMetrics.psnr(q10, gray)
        let p90 = try ImageMetrics.psnr(try JPEGDegradation.roundTrip(gray, quality: 90), gray)
        XCTAssertLessThan(p10, p90, "lower quality, more damage")
        let colour = try JPEGDegradation.roundTrip(rgb, quality: 40)
        XCTAssertEqual(colour.channels, 3)
        XCTAssertGreaterThan(try ImageMetrics.psnr(colour, rgb), 20)
        for quality in [0, 101, -5] {
            XCTAssertThrowsError(try JPEGDegradation.roundTrip(gray, quality: quality)) {
                XCTAssertEqual(($0 as? AclaError)?.status, .invalidArgument)
            }
        }
    }

    func testTensorBridgeAndQuantisation() throws {
        let image = try ImagingTestData.randomImage(width: 4, height: 3, channels: 3, seed: 6)
        let tensor = try image.toTensor()
        XCTAssertEqual(tensor.shape, [1, 3, 3, 4])
        for y in 0..<3 { for x in 0..<4 { for c in 0..<3 {
            XCTAssertEqual(tensor.data[(c * 3 + y) * 4 + x], Float(image[y, x, c]))
        } } }
        XCTAssertEqual(try Image8(tensor: tensor), image)
        let values: [Float] = [-3, -0.4, 0.5, 1.49, 2.5, 254.5, 255.4, 300]
        let t = try Tensor(shape: [2, 1, 2, 2], data: values)
        XCTAssertEqual(try Image8(tensor: t, index: 0).pixels, [0, 0, 1, 1])
        XCTAssertEqual(try Image8(tensor: t, index: 1).pixels, [3, 255, 255, 255])
        XCTAssertThrowsError(try Image8(tensor: t, index: 2))
        XCTAssertThrowsError(try Image8(tensor: try Tensor(shape: [1, 2, 2, 2], data: [Float](repeating: 0, count: 8))))
        XCTAssertThrowsError(try Image8(tensor: try Tensor(shape: [1, 1, 1, 1], data: [.nan]))) {
            XCTAssertTrue("\($0)".contains("NaN"))
        }
        XCTAssertThrowsError(try Image8(width: 2, height: 2, channels: 3, pixels: [1, 2, 3])) {
            XCTAssertEqual(($0 as? AclaError)?.status, .shape)
        }
        XCTAssertThrowsError(try Image8(width: 0, height: 2, channels: 1))
        XCTAssertThrowsError(try Image8(width: 2, height: 2, channels: 2))
    }
}
