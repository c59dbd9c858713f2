import Foundation
import XCTest
@testable import Acla

/// MATLAB bicubic imresize against the conventions' golden taps and a naive float64 reference
/// written here from the algorithm's description (no code shared with the implementation).
final class ResizeTests: XCTestCase {
    let naive = NaiveBicubic()
    func mirror(_ i: Int, _ n: Int) -> Int { naive.mirror(i, n) }
    func pass(_ x: [Double], h: Int, w: Int, c: Int, axis: Int, scale: Double, replicate: Bool, round8: Bool) -> ([Double], Int, Int) {
        naive.pass(x, h: h, w: w, c: c, axis: axis, scale: scale, replicate: replicate, round8: round8)
    }
    func reference(_ x: [Double], h: Int, w: Int, c: Int, scale: Double, replicate: Bool, round8: Bool) -> [Double] {
        naive.reference(x, h: h, w: w, c: c, scale: scale, replicate: replicate, round8: round8)
    }

    // ---- tests ----
    func testGoldenInteriorWeights() throws {
        let half = try BicubicAxis(inLength: 40, scale: 0.5, boundary: .symmetric)
        XCTAssertEqual(half.taps, 8)
        let golden2 = [-0.01171875, -0.03515625, 0.11328125, 0.43359375, 0.43359375, 0.11328125, -0.03515625, -0.01171875]
        let row = 10 * half.taps
        for j in 0..<8 { XCTAssertEqual(half.weights[row + j], golden2[j], accuracy: 1e-15) }
        XCTAssertEqual(Array(half.indices[row..<(row + 8)]), (17...24).map { Int32($0) })

        let third = try BicubicAxis(inLength: 60, scale: 1.0 / 3.0, boundary: .symmetric)
        let nonzero = (0..<third.taps).map { third.weights[8 * third.taps + $0] }.filter { abs($0) > 1e-12 }
        let golden3 = [-0.012345679, -0.024691358, 0.1111111111, 0.2592592593, 0.3333333333,
                       0.2592592593, 0.1111111111, -0.024691358, -0.012345679]
        XCTAssertEqual(nonzero.count, 9)
        for (a, b) in zip(nonzero, golden3) { XCTAssertEqual(a, b, accuracy: 1e-9) }
    }

    func testBoundaryIndexRules() {
        // n = 3: symmetric ... 2 1 0 | 0 1 2 | 2 1 0 | 0 ...
        let symmetric = (-5...8).map { BicubicAxis.boundaryIndex($0, 3, .symmetric) }
        XCTAssertEqual(symmetric, (-5...8).map { mirror($0, 3) })
        XCTAssertEqual(Array(symmetric[0..<6]), [0, 1, 2, 2, 1, 0])
        XCTAssertEqual((-2...5).map { BicubicAxis.boundaryIndex($0, 3, .replicate) }, [0, 0, 0, 0, 1, 2, 2, 2])
    }

    func testEightBitAndFloatPathsMatchTheNaiveReference() throws {
        var seed: UInt64 = 11
        for scale in [0.5, 1.0 / 3.0, 0.25, 0.7, 1.5, 2.0, 1.0] {
            for boundary in ResizeBoundary.allCases {
                for channels in [1, 3] {
                    seed += 1
                    let image = try ImagingTestData.randomImage(width: 11, height: 9, channels: channels, seed: seed)
                    let x = image.pixels.map(Double.init)
                    let replicate = boundary == .replicate
                    let expected8 = reference(x, h: 9, w: 11, c: channels, scale: scale, replicate: replicate, round8: true)
                    let got8 = try BicubicResize.resize(image, scale: scale, boundary: boundary)
                    let mismatches = zip(got8.pixels.map(Double.init), expected8).enumerated().filter { $0.element.0 != $0.element.1 }
                    XCTAssertEqual(mismatches.count, 0, "uint8 scale \(scale) \(boundary) c\(channels): \(mismatches.prefix(3))")
                    if !mismatches.isEmpty {
                        let mid = pass(x, h: 9, w: 11, c: channels, axis: 0, scale: scale, replicate: replicate, round8: false)
                        let i = mismatches[0].offset
                        print("DEBUG first pass", mid.0[0..<12], "index", i)
                        let raw = reference(x, h: 9, w: 11, c: channels, scale: scale, replicate: replicate, round8: false)
                        print("DEBUG float value", raw[i])
                    }
                    XCTAssertEqual(got8.height, Int((9 * scale).rounded(.up)))
                    XCTAssertEqual(got8.width, Int((11 * scale).rounded(.up)))

                    let expectedF = reference(x, h: 9, w: 11, c: channels, scale: scale, replicate: replicate, round8: false)
                    let gotF = try BicubicResize.resize(FloatImage(image), scale: scale, boundary: boundary)
                    XCTAssertEqual(gotF.values.count, expectedF.count)
                    for (a, b) in zip(gotF.values, expectedF) {
                        XCTAssertEqual(Double(a), b, accuracy: 1e-4 * max(1, abs(b)), "float scale \(scale) \(boundary)")
                    }
                }
            }
        }
    }

    /// A photo crop (the committed fixture) through both paths and boundaries, down and up.
    func testPhotoFixtureMatchesTheNaiveReference() throws {
        let photo = try ImageFile.read(try ImagingTestData.fixture("photo_rgb.png")).image
        let x = photo.pixels.map(Double.init)
        for scale in [0.5, 1.0 / 3.0, 0.25, 2.0] {
            for boundary in ResizeBoundary.allCases {
                let expected = reference(x, h: 24, w: 32, c: 3, scale: scale, replicate: boundary == .replicate, round8: true)
                XCTAssertEqual(try BicubicResize.resize(photo, scale: scale, boundary: boundary).pixels.map(Double.init), expected,
                               "scale \(scale) \(boundary)")
            }
        }
    }

    func testModcropAndSizes() throws {
        let image = try ImagingTestData.randomImage(width: 11, height: 9, channels: 3, seed: 5)
        let cropped = try BicubicResize.modcrop(image, scale: 4)
        XCTAssertEqual([cropped.width, cropped.height], [8, 8])
        for y in 0..<8 { for x in 0..<8 { for c in 0..<3 { XCTAssertEqual(cropped[y, x, c], image[y, x, c]) } } }
        XCTAssertEqual(try BicubicResize.modcrop(image, scale: 1), image)
        XCTAssertThrowsError(try BicubicResize.modcrop(image, scale: 12))
        XCTAssertThrowsError(try BicubicResize.modcrop(image, scale: 0))
        let size = try BicubicResize.outputSize(height: 255, width: 510, scale: 1.0 / 3.0)
        XCTAssertEqual([size.height, size.width], [85, 170])
        XCTAssertEqual(try BicubicResize.outputSize(height: 7, width: 5, scale: 0.5).height, 4)
    }

    func testInvalidScalesAreErrors() throws {
        let image = try ImagingTestData.randomImage(width: 4, height: 4, channels: 1, seed: 1)
        for scale in [0, -1, Double.nan, Double.infinity, 1e-12] {
            XCTAssertThrowsError(try BicubicResize.resize(image, scale: scale), "\(scale)") {
                XCTAssertEqual(($0 as? AclaError)?.status, .invalidArgument, "\($0)")
            }
        }
        XCTAssertThrowsError(try BicubicResize.resize(image, scale: 1e5)) {
            XCTAssertEqual(($0 as? AclaError)?.status, .outOfMemory, "\($0)")
        }
    }
}

/// MATLAB's imresize written naively from its description, in float64.
struct NaiveBicubic {
    /// Powers first, then the coefficients, as MATLAB's `cubic` writes it: upscaling makes exact
    /// .5 ties (weights like 0.5625), so the 8-bit path is sensitive to the last bit.
    func cubic(_ x: Double) -> Double {
        let a = abs(x)
        let a2 = pow(a, 2), a3 = pow(a, 3)
        if a <= 1 { return 1.5 * a3 - 2.5 * a2 + 1 }
        if a <= 2 { return -0.5 * a3 + 2.5 * a2 - 4 * a + 2 }
        return 0
    }

    /// Mirror with the edge repeated, by repeated reflection (1-based in, 0-based out).
    func mirror(_ i: Int, _ n: Int) -> Int {
        var j = i
        while j < 1 || j > n { j = j < 1 ? 1 - j : 2 * n + 1 - j }
        return j - 1
    }

    /// For each output index: (0-based source index, normalised weight) in tap order.
    func contributions(_ n: Int, _ scale: Double, replicate: Bool) -> [[(Int, Double)]] {
        let out = Int((Double(n) * scale).rounded(.up))
        let width = scale < 1 ? 4 / scale : 4
        return (1...out).map { k in
            let u = Double(k) / scale + 0.5 * (1 - 1 / scale)
            let left = Int((u - width / 2).rounded(.down))
            let taps = Int(width.rounded(.up)) + 2
            var raw: [(Int, Double)] = []
            for j in 0..<taps {
                let i = left + j
                let w = scale < 1 ? scale * cubic(scale * (u - Double(i))) : cubic(u - Double(i))
                raw.append((replicate ? min(max(i, 1), n) - 1 : mirror(i, n), w))
            }
            let s = raw.reduce(0) { $0 + $1.1 }
            return raw.map { ($0.0, $0.1 / s) }
        }
    }

    /// One pass along height (axis 0) or width (axis 1) of an HWC double image.
    func pass(_ x: [Double], h: Int, w: Int, c: Int, axis: Int, scale: Double, replicate: Bool, round8: Bool) -> ([Double], Int, Int) {
        let table = contributions(axis == 0 ? h : w, scale, replicate: replicate)
        let (oh, ow) = axis == 0 ? (table.count, w) : (h, table.count)
        var y = [Double](repeating: 0, count: oh * ow * c)
        for r in 0..<oh {
            for q in 0..<ow {
                for ch in 0..<c {
                    var s = 0.0
                    for (i, wt) in table[axis == 0 ? r : q] {
                        let (sr, sq) = axis == 0 ? (i, q) : (r, i)
                        s += wt * x[(sr * w + sq) * c + ch]
                    }
                    if round8 { s = min(max(s.rounded(.toNearestOrAwayFromZero), 0), 255) }
                    y[(r * ow + q) * c + ch] = s
                }
            }
        }
        return (y, oh, ow)
    }

    func reference(_ x: [Double], h: Int, w: Int, c: Int, scale: Double, replicate: Bool, round8: Bool) -> [Double] {
        let (mid, mh, mw) = pass(x, h: h, w: w, c: c, axis: 0, scale: scale, replicate: replicate, round8: round8)
        return pass(mid, h: mh, w: mw, c: c, axis: 1, scale: scale, replicate: replicate, round8: round8).0
    }

}
