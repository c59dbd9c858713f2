import XCTest
@testable import Acla

/// Every channel layout of every task, untiled, against a reference built in the test from
/// `Network.forward`, float64 luma and MATLAB-style rounding.
final class RestoreLayoutTests: XCTestCase {
    let (h, w) = (9, 11)
    static let weights = (0.298936021293775, 0.587043074451121, 0.114020904255103)

    func q(_ x: Double) -> UInt8 { x <= 0 ? 0 : (x >= 255 ? 255 : UInt8(x.rounded(.toNearestOrAwayFromZero))) }
    func luma(_ r: Double, _ g: Double, _ b: Double) -> Double { Self.weights.0 * r + Self.weights.1 * g + Self.weights.2 * b }

    func model(_ json: String, seed: UInt64, scale: Double = 0.3) throws -> Network {
        let net = try RestoreTestModels.network(json)
        try RestoreTestModels.randomise(net, seed: seed, scale: scale)
        return net
    }

    /// planes: c planes of h*w values -> the model's output planes and their size.
    func forward(_ net: Network, _ planes: [[Double]]) throws -> (planes: [[Double]], h: Int, w: Int) {
        let x = try Tensor(shape: [1, planes.count, h, w], data: planes.flatMap { $0.map(Float.init) })
        let y = try net.forward(x)
        let plane = y.shape[2] * y.shape[3]
        return ((0..<y.shape[1]).map { c in (0..<plane).map { Double(y.data[c * plane + $0]) } }, y.shape[2], y.shape[3])
    }

    /// Sample c of every pixel of an HWC buffer, as a plane.
    func plane(_ pixels: [UInt8], _ c: Int, of channels: Int) -> [Double] {
        stride(from: c, to: pixels.count, by: channels).map { Double(pixels[$0]) }
    }

    func interleave(_ planes: [[UInt8]]) -> [UInt8] {
        (0..<planes[0].count).flatMap { i in planes.map { $0[i] } }
    }

    /// Untiled restore; the output must not be saturated, or the comparisons would say little.
    func restore(_ net: Network, _ pixels: [UInt8], channels: Int, file: StaticString = #filePath,
                 line: UInt = #line) throws -> ([UInt8], Restorer.Plan) {
        let result = try Restorer(network: net).restore(pixels: pixels, channels: channels, height: h, width: w,
                                                        options: RestoreOptions(tile: 0))
        let inside = result.pixels.filter { $0 != 0 && $0 != 255 }.count
        XCTAssertGreaterThan(inside, result.pixels.count / 2, "output mostly saturated", file: file, line: line)
        return result
    }

    func alphaResized(_ alpha: [UInt8], scale: Int) throws -> [UInt8] {
        try BicubicResize.resize(try Image8(width: w, height: h, channels: 1, pixels: alpha), scale: Double(scale)).pixels
    }

    func testSuperResolutionLayouts() throws {
        let net = try model(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4}"#, seed: 11)
        for channels in 1...4 {
            let input = RestoreTestModels.randomPixels(h * w * channels, seed: 20 + UInt64(channels))
            let (out, plan) = try restore(net, input, channels: channels)
            XCTAssertEqual([plan.outputHeight, plan.outputWidth, plan.outputChannels], [2 * h, 2 * w, channels])
            let gray = channels <= 2
            let color = gray ? [plane(input, 0, of: channels), plane(input, 0, of: channels), plane(input, 0, of: channels)]
                             : (0..<3).map { plane(input, $0, of: channels) }
            let y = try forward(net, color).planes
            var expected: [[UInt8]] = gray
                ? [(0..<y[0].count).map { q(luma(y[0][$0], y[1][$0], y[2][$0])) }]
                : y.map { $0.map(q) }
            if channels % 2 == 0 { expected.append(try alphaResized(plane(input, channels - 1, of: channels).map { UInt8($0) }, scale: 2)) }
            XCTAssertEqual(out, interleave(expected), "channels \(channels)")
            var notes: RestoreNotes = gray ? [.grayAsRGB] : []
            if channels % 2 == 0 { notes.insert(.alphaResized) }
            XCTAssertEqual(plan.notes, notes)
        }
    }

    func testDenoisingLayouts() throws {
        let color = try model(#"{"backbone": "edsr", "task": "denoise", "channels": 3, "blocks": 1, "features": 4}"#, seed: 12)
        let gray = try model(#"{"backbone": "edsr", "task": "denoise", "channels": 1, "blocks": 1, "features": 4}"#, seed: 13)
        for channels in 1...4 {
            let input = RestoreTestModels.randomPixels(h * w * channels, seed: 30 + UInt64(channels))
            let colorInput = channels >= 3
            let alpha: [[UInt8]] = channels % 2 == 0 ? [plane(input, channels - 1, of: channels).map { UInt8($0) }] : []
            // the RGB model: RGB direct, gray replicated with the luma returned
            let (outC, planC) = try restore(color, input, channels: channels)
            let rgb = colorInput ? (0..<3).map { plane(input, $0, of: channels) } : Array(repeating: plane(input, 0, of: channels), count: 3)
            let yc = try forward(color, rgb).planes
            let expectedC = colorInput ? yc.map { $0.map(q) } : [(0..<yc[0].count).map { q(luma(yc[0][$0], yc[1][$0], yc[2][$0])) }]
            XCTAssertEqual(outC, interleave(expectedC + alpha), "RGB model, \(channels) channels")
            XCTAssertEqual(planC.notes.contains(.grayAsRGB), !colorInput)
            // the gray model: gray direct, RGB one channel at a time
            let (outG, planG) = try restore(gray, input, channels: channels)
            let expectedG = try (0..<(colorInput ? 3 : 1)).map { c in try forward(gray, [plane(input, c, of: channels)]).planes[0].map(q) }
            XCTAssertEqual(outG, interleave(expectedG + alpha), "gray model, \(channels) channels")
            XCTAssertEqual(planG.notes.contains(.perChannel), colorInput)
            XCTAssertEqual(planG.notes.contains(.alphaCopied), channels % 2 == 0)
            XCTAssertEqual(planG.outputChannels, channels)
        }
    }

    func testJPEGColourInputRestoresLumaAndKeepsChroma() throws {
        let net = try model(#"{"backbone": "edsr", "task": "jpeg", "channels": 1, "blocks": 1, "features": 4}"#, seed: 14)
        for channels in [3, 4] {
            let input = RestoreTestModels.randomPixels(h * w * channels, seed: 40 + UInt64(channels))
            let (out, plan) = try restore(net, input, channels: channels)
            let (r, g, b) = (plane(input, 0, of: channels), plane(input, 1, of: channels), plane(input, 2, of: channels))
            let yIn = (0..<r.count).map { luma(r[$0], g[$0], b[$0]) }
            let yOut = try forward(net, [yIn]).planes[0]
            var expected = [r, g, b].map { c in (0..<c.count).map { q(c[$0] + yOut[$0] - yIn[$0]) } }
            if channels == 4 { expected.append(plane(input, 3, of: 4).map { UInt8($0) }) }
            XCTAssertEqual(out, interleave(expected))
            XCTAssertTrue(plan.notes.contains(.lumaOnly))
            // chroma kept: Cb and Cr of output and input agree up to the rounding of R, G, B
            for i in 0..<(h * w) {
                let o = (0..<3).map { Double(out[i * channels + $0]) }
                let cbIn = -0.168736 * r[i] - 0.331264 * g[i] + 0.5 * b[i], cbOut = -0.168736 * o[0] - 0.331264 * o[1] + 0.5 * o[2]
                let crIn = 0.5 * r[i] - 0.418688 * g[i] - 0.081312 * b[i], crOut = 0.5 * o[0] - 0.418688 * o[1] - 0.081312 * o[2]
                let clipped = o.contains(0) || o.contains(255)
                if !clipped {
                    XCTAssertEqual(cbOut, cbIn, accuracy: 0.51)
                    XCTAssertEqual(crOut, crIn, accuracy: 0.51)
                }
            }
        }
    }

    func testDemosaicingLayouts() throws {
        let net = try model(#"{"backbone": "edsr", "task": "demosaic", "blocks": 1, "features": 4}"#, seed: 15, scale: 0.05)
        // GRBG: row 0 is G R, row 1 is B G
        func pattern(_ y: Int, _ x: Int) -> Int { y % 2 == 0 ? (x % 2 == 0 ? 1 : 0) : (x % 2 == 0 ? 2 : 1) }
        let raw = RestoreTestModels.randomPixels(h * w, seed: 50)
        var mosaic = [[Double]](repeating: [Double](repeating: 0, count: h * w), count: 3)
        for y in 0..<h { for x in 0..<w { mosaic[pattern(y, x)][y * w + x] = Double(raw[y * w + x]) } }
        let expected = interleave(try forward(net, mosaic).planes.map { $0.map(q) })
        let (fromRaw, planRaw) = try restore(net, raw, channels: 1)
        XCTAssertEqual(fromRaw, expected)
        XCTAssertEqual(planRaw.outputChannels, 3)
        XCTAssertEqual(planRaw.notes, [.bayerRaw])
        // the 3-channel mosaic gives the same, whatever the samples outside the pattern hold
        var rgb = RestoreTestModels.randomPixels(h * w * 3, seed: 51)
        for y in 0..<h { for x in 0..<w { rgb[(y * w + x) * 3 + pattern(y, x)] = raw[y * w + x] } }
        let (fromMosaic, planMosaic) = try restore(net, rgb, channels: 3)
        XCTAssertEqual(fromMosaic, expected)
        XCTAssertEqual(planMosaic.notes, [])
        for channels in [2, 4] {
            XCTAssertThrowsError(try Restorer(network: net).plan(channels: channels, height: h, width: w)) {
                XCTAssertEqual(($0 as? AclaError)?.status, .unsupported)
            }
        }
    }

    func testBadGeometryIsRefusedBeforeWork() throws {
        let net = try model(#"{"backbone": "edsr", "scale": 3, "blocks": 1, "features": 4}"#, seed: 16)
        let restorer = Restorer(network: net)
        for channels in [0, 5, -1] {
            XCTAssertThrowsError(try restorer.plan(channels: channels, height: 4, width: 4)) {
                XCTAssertEqual(($0 as? AclaError)?.status, .invalidArgument)
                XCTAssertTrue(($0 as? AclaError)?.message.contains("\(channels)") ?? false)
            }
        }
        XCTAssertThrowsError(try restorer.plan(channels: 3, height: 0, width: 4))
        XCTAssertThrowsError(try restorer.plan(channels: 3, height: 4, width: 4, options: RestoreOptions(tile: 8, overlap: 8)))
        XCTAssertThrowsError(try restorer.plan(channels: 3, height: 1 << 30, width: 1 << 30)) {
            XCTAssertEqual(($0 as? AclaError)?.status, .outOfMemory)
        }
        let plan = try restorer.plan(channels: 3, height: 4, width: 5)
        var small = [UInt8](repeating: 7, count: plan.outputCount - 1)
        let input = [UInt8](repeating: 1, count: plan.inputCount)
        XCTAssertThrowsError(try input.withUnsafeBufferPointer { i in
            try small.withUnsafeMutableBufferPointer { try restorer.restore(plan, input: i, output: $0) }
        }) { XCTAssertEqual(($0 as? AclaError)?.status, .shape) }
        XCTAssertTrue(small.allSatisfy { $0 == 7 })
    }
}
