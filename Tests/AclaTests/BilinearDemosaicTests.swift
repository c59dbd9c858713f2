import XCTest
@testable import Acla

/// Bilinear demosaicing against a float64 rendering written case by case (which neighbours carry
/// the missing colour at each GRBG site), and exactness on linear ramps away from the border.
final class BilinearDemosaicTests: XCTestCase {
    /// The textbook formulation: known colour kept; G from the 4 axis neighbours; R/B from the 2
    /// row or column neighbours or the 4 diagonals, depending on the site; border samples that do
    /// not exist are dropped from the mean with their weight.
    private func reference(_ m: Image8) -> [Double] {
        let (w, h) = (m.width, m.height)
        func value(_ y: Int, _ x: Int, _ c: Int) -> Double? {
            guard y >= 0, y < h, x >= 0, x < w, BayerMosaic.channel(y: y, x: x) == c else { return nil }
            return Double(m.pixels[(y * w + x) * 3 + c])
        }
        var out = [Double](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w { for c in 0..<3 {
            let own = BayerMosaic.channel(y: y, x: x)
            var pairs: [(Double, Double)] = []   // (weight, value)
            if own == c { pairs = [(1, value(y, x, c)!)] } else {
                let axis = [(-1, 0), (1, 0), (0, -1), (0, 1)].compactMap { value(y + $0.0, x + $0.1, c) }
                let diagonal = [(-1, -1), (-1, 1), (1, -1), (1, 1)].compactMap { value(y + $0.0, x + $0.1, c) }
                pairs = !axis.isEmpty ? axis.map { (1, $0) } : diagonal.map { (1, $0) }
            }
            let total = pairs.reduce(0) { $0 + $1.0 }
            out[(y * w + x) * 3 + c] = total > 0 ? pairs.reduce(0) { $0 + $1.0 * $1.1 } / total : 0
        } } }
        return out
    }

    func testMatchesTheCaseByCaseReference() throws {
        var rng = TestSeed.generator(1201)
        for (w, h) in [(7, 5), (2, 2), (10, 9)] {
            let pixels = (0..<(w * h * 3)).map { _ in UInt8(rng.int(0, 255)) }
            let mosaic = try BayerMosaic.mosaic(try Image8(width: w, height: h, channels: 3, pixels: pixels))
            let got = try BilinearDemosaic.demosaic(mosaic)
            let want = reference(mosaic)
            for i in want.indices {
                XCTAssertEqual(Double(got.pixels[i]), (want[i] + 0.5).rounded(.down), accuracy: 0, "\(w)x\(h) index \(i)")
            }
        }
    }

    func testLinearRampsAreExactInside() throws {
        let (w, h) = (12, 10)
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w {
            pixels[(y * w + x) * 3] = UInt8(10 + 6 * x)
            pixels[(y * w + x) * 3 + 1] = UInt8(20 + 4 * y + 2 * x)
            pixels[(y * w + x) * 3 + 2] = UInt8(200 - 8 * y)
        } }
        let image = try Image8(width: w, height: h, channels: 3, pixels: pixels)
        let got = try BilinearDemosaic.demosaic(try BayerMosaic.mosaic(image))
        for y in 1..<(h - 1) { for x in 1..<(w - 1) { for c in 0..<3 {
            XCTAssertEqual(got.pixels[(y * w + x) * 3 + c], pixels[(y * w + x) * 3 + c], "\(y),\(x) c\(c)")
        } } }
    }

    func testRefusesAnythingButThreeChannels() {
        XCTAssertThrowsError(try BilinearDemosaic.demosaic(try Image8(width: 4, height: 4, channels: 1))) {
            XCTAssertTrue("\($0)".contains("1 channel"), "\($0)")
        }
    }
}
