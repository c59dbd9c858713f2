import Foundation
import XCTest
@testable import Acla

/// Winograd F(4x4, 3x3) and F(6x6, 3x3) against the reference convolution at every CPU level the
/// machine has: odd channel counts, maps that are not multiples of the tile (and smaller than
/// one), batches, blocks that cut tile rows and images, and the epilogues.
final class WinogradTests: XCTestCase {
    /// Max-norm relative error of the Winograd forward against the reference kernel.
    private func error(n: Int, cin: Int, cout: Int, h: Int, w: Int, tile: Int32, blockTiles: Int,
                       epilogue: (Variable) -> ConvolutionEpilogue = { _ in .none }, rng: inout RandomGenerator) throws -> Double {
        let x = rng.tensor([n, cin, h, w]), wt = rng.tensor([cout, cin, 3, 3], -0.5, 0.5), b = rng.tensor([cout])
        let ep = epilogue(Variable(rng.tensor([n, cout, h, w])))
        let g = try ConvolutionGeometry(input: x.shape, weight: wt.shape, bias: b.shape)
        let u = try WinogradWeights(wt, version: 0, tile: tile, geometry: g)
        let y = try winogradForward(x, weights: u, bias: b, geometry: g, epilogue: ep, blockTiles: blockTiles)
        let ref = try conv2d(Variable(x), weight: Variable(wt), bias: Variable(b), epilogue: ep,
                             algorithm: .reference, bandFloats: 0)
        return NumericCheck.relativeError(y.data.map(Double.init), ref.value.data.map(Double.init))
    }

    func testAgainstReferenceAtEveryLevel() throws {
        var rng = TestSeed.generator(831)
        // (n, cin, cout, h, w, block tiles)
        let shapes = [(1, 16, 16, 12, 12, 0), (2, 5, 7, 13, 11, 0), (3, 9, 13, 7, 23, 5), (1, 3, 2, 1, 1, 0),
                      (2, 4, 9, 2, 3, 1), (1, 17, 8, 70, 9, 0), (2, 8, 3, 9, 70, 7), (1, 33, 21, 26, 19, 16), (1, 2, 3, 5, 300, 0)]
        for level in CPULevel.allCases where level <= CPULevel.detected {
            _ = try CPULevel.with(level) {
                for (n, cin, cout, h, w, bt) in shapes {
                    for tile: Int32 in [4, 6] {
                        let e = try error(n: n, cin: cin, cout: cout, h: h, w: w, tile: tile, blockTiles: bt, rng: &rng)
                        if ProcessInfo.processInfo.environment["ACLA_PRINT_ERRORS"] != nil { print("winograd error F\(tile) \(level.name) \(n) \(cin) \(cout) \(h)x\(w): \(e)") }
                        XCTAssertLessThan(e, tile == 4 ? 1e-5 : 3e-5,
                                          "F(\(tile)) \(level.name) n\(n) \(cin)->\(cout) \(h)x\(w) blocks of \(bt) \(TestSeed.note)")
                    }
                }
            }
        }
    }

    func testEpilogues() throws {
        var rng = TestSeed.generator(832)
        for level in CPULevel.allCases where level <= CPULevel.detected {
            _ = try CPULevel.with(level) {
                for tile: Int32 in [4, 6] {
                    let relu = try error(n: 2, cin: 6, cout: 5, h: 11, w: 14, tile: tile, blockTiles: 3,
                                         epilogue: { _ in .relu }, rng: &rng)
                    let residual = try error(n: 2, cin: 6, cout: 5, h: 11, w: 14, tile: tile, blockTiles: 0,
                                             epilogue: { .residual($0, scale: 0.25) }, rng: &rng)
                    XCTAssertLessThan(relu, 1e-5, "relu F(\(tile)) \(level.name)")
                    XCTAssertLessThan(residual, 1e-5, "residual F(\(tile)) \(level.name)")
                }
            }
        }
    }
}
