import XCTest
@testable import Acla

/// Tile placement, and tiled against untiled restoration.
final class RestoreTilingTests: XCTestCase {
    func testTileAxisPartitionsAndKeepsContext() throws {
        var rng = TestSeed.generator(91)
        for _ in 0..<400 {
            let length = rng.int(1, 300)
            let tile = rng.int(1, 120)
            let overlap = rng.int(0, tile - 1)
            let axis = try TileAxis(length: length, tile: tile, overlap: overlap)
            let a = TileAxis.alignment
            let alignedSize = tile + ((length - tile) % a + a) % a
            let aligned = alignedSize < length && alignedSize - overlap >= a
            XCTAssertEqual(axis.windows.count, axis.cores.count)
            XCTAssertEqual(axis.cores.first?.lowerBound, 0)
            XCTAssertEqual(axis.cores.last?.upperBound, length)
            for i in 0..<axis.count {
                let (w, c) = (axis.windows[i], axis.cores[i])
                XCTAssertFalse(c.isEmpty, "\(length) \(tile) \(overlap) \(TestSeed.note)")
                XCTAssertTrue(w.lowerBound >= 0 && w.upperBound <= length)
                if axis.count == 1 {
                    XCTAssertEqual(w, 0..<length)
                } else if aligned {
                    // Winograd alignment: starts at multiples of a, ends congruent to the image's end
                    XCTAssertEqual(w.count, alignedSize)
                    XCTAssertTrue(w.count >= tile && w.count < tile + a)
                    XCTAssertEqual(w.lowerBound % a, 0, "\(length) \(tile) \(overlap)")
                    XCTAssertEqual(w.upperBound % a, length % a, "\(length) \(tile) \(overlap)")
                } else {
                    XCTAssertEqual(w.count, tile)
                }
                XCTAssertTrue(w.lowerBound <= c.lowerBound && c.upperBound <= w.upperBound)
                if i > 0 {
                    XCTAssertEqual(axis.cores[i - 1].upperBound, c.lowerBound)
                    XCTAssertGreaterThanOrEqual(axis.windows[i - 1].upperBound - w.lowerBound, overlap, "shared, \(length) \(tile) \(overlap)")
                    XCTAssertGreaterThanOrEqual(c.lowerBound - w.lowerBound, overlap / 2, "left context, \(length) \(tile) \(overlap)")
                    XCTAssertGreaterThan(w.lowerBound, axis.windows[i - 1].lowerBound)
                }
                if i + 1 < axis.count {
                    XCTAssertGreaterThanOrEqual(w.upperBound - c.upperBound, overlap / 2, "right context, \(length) \(tile) \(overlap)")
                }
            }
            // no more windows than needed: unaligned, dropping any one leaves pixels uncovered;
            // aligned, the step is the largest multiple of a the overlap allows
            if axis.count > 1 && aligned {
                let step = (alignedSize - overlap) / a * a
                XCTAssertEqual(axis.count, 1 + (length - alignedSize + step - 1) / step)
            } else if axis.count > 1 {
                XCTAssertEqual(axis.count, 1 + (length - tile + tile - overlap - 1) / (tile - overlap))
            }
        }
        XCTAssertEqual(try TileAxis(length: 50, tile: 0, overlap: 7).windows, [0..<50])
        XCTAssertThrowsError(try TileAxis(length: 50, tile: 8, overlap: 8))
        XCTAssertThrowsError(try TileAxis(length: 0, tile: 8, overlap: 2))
    }

    /// A plain model's output pixel depends only on input pixels within its receptive field; with
    /// an overlap whose half exceeds that radius, tiles must reproduce the untiled output. Any
    /// misplaced window, core or output offset breaks this. Bit for bit with im2col. With
    /// Winograd F(4x4) (the default plans where the CPU has AVX2) rounding reaches farther: an
    /// output's rounding depends on its whole 4x4 tile's input patch, up to 4 pixels away per
    /// layer instead of 1, so exactness needs that much context; given it, windows aligned to the
    /// 4x4 tiles (every pixel at the same place of its tile as in the whole image, flipped by the
    /// ensemble or not) reproduce the untiled output exactly. F(6x6) tiles are not aligned to.
    func testTilesBeyondTheReceptiveFieldAreExact() throws {
        // receptive radius: head 1 + 2 convs + body conv 1 + upsampler conv 1 + tail (1/2) < 6 input pixels
        let small = [(24, 12), (31, 13), (40, 16), (57, 20)]
        // Winograd's rounding reach: 4 px for each of those 5 layers (+ 2 for the tail at x2) < 23
        let wide = [(64, 46), (72, 48), (80, 50)]
        try ConvolutionPlan.withAlgorithm(.im2col) { try tilesMatchUntiled(tolerance: 0, runs: small) }
        try ConvolutionPlan.withAlgorithm(.winograd4x4) { try tilesMatchUntiled(tolerance: 0, runs: wide) }
        try ConvolutionPlan.withAlgorithm(.winograd4x4) { try tilesMatchUntiled(tolerance: 1, runs: small) }
        try ConvolutionPlan.withAlgorithm(nil) { try tilesMatchUntiled(tolerance: 0, ensemble: true, runs: wide) }
        try ConvolutionPlan.withAlgorithm(.winograd6x6) { try tilesMatchUntiled(tolerance: 1, runs: small) }
    }

    /// Unaligned windows (what the tiling did before) differ under Winograd where aligned ones
    /// do not: the alignment is what makes the exact case above exact.
    func testUnalignedWindowsRoundDifferentlyUnderWinograd() throws {
        try ConvolutionPlan.withAlgorithm(.winograd4x4) {
            let net = try RestoreTestModels.network(#"{"backbone": "edsr", "task": "denoise", "channels": 3, "blocks": 1, "features": 6}"#)
            try RestoreTestModels.randomise(net, seed: 3)
            let image = try RestoreTestModels.photoCrop()
            let x = try Restorer(network: net).modelInput(image)
            let whole = try net.forward(x)
            // a window starting 2 pixels in (not a multiple of 4), far from its edges in the comparison
            let (h, w) = (x.shape[2], x.shape[3])
            let sub = try crop(x, top: 2, left: 2, height: h - 4, width: w - 4)
            let part = try net.forward(sub)
            var unaligned = 0
            for c in 0..<3 {
                for y in 30..<(h - 34) {
                    for xx in 30..<(w - 34) where part.data[(c * (h - 4) + y - 2) * (w - 4) + xx - 2] != whole.data[(c * h + y) * w + xx] {
                        unaligned += 1
                    }
                }
            }
            XCTAssertGreaterThan(unaligned, 0, "an unaligned window should round some interior pixel differently")
            let aligned = try net.forward(try crop(x, top: 4, left: 4, height: h - 8, width: w - 8))
            for c in 0..<3 {
                for y in 30..<(h - 34) {
                    for xx in 30..<(w - 34) {
                        XCTAssertEqual(aligned.data[(c * (h - 8) + y - 4) * (w - 8) + xx - 4], whole.data[(c * h + y) * w + xx])
                    }
                }
            }
        }
    }

    private func crop(_ t: Tensor, top: Int, left: Int, height: Int, width: Int) throws -> Tensor {
        let (c, h, w) = (t.shape[1], t.shape[2], t.shape[3])
        var out = [Float](repeating: 0, count: c * height * width)
        for ch in 0..<c {
            for y in 0..<height {
                for x in 0..<width { out[(ch * height + y) * width + x] = t.data[(ch * h + y + top) * w + x + left] }
            }
        }
        return try Tensor(shape: [1, c, height, width], data: out)
    }

    private func tilesMatchUntiled(tolerance: Int, ensemble: Bool = false, runs: [(Int, Int)]) throws {
        for json in [#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 6}"#,
                     #"{"backbone": "edsr", "scale": 3, "blocks": 1, "features": 6}"#,
                     #"{"backbone": "edsr", "task": "denoise", "channels": 3, "blocks": 1, "features": 6}"#] {
            let net = try RestoreTestModels.network(json)
            try RestoreTestModels.randomise(net, seed: 3)
            let restorer = Restorer(network: net)
            let image = try RestoreTestModels.photoCrop()
            let whole = try restorer.restore(image, options: RestoreOptions(tile: 0, ensemble: ensemble)).image
            for (tile, overlap) in runs {
                let plan = try restorer.plan(channels: 3, height: image.height, width: image.width,
                                             options: RestoreOptions(tile: tile, overlap: overlap))
                XCTAssertGreaterThan(plan.grid.count, 1, "tile \(tile) should cut the crop")
                let tiled = try restorer.restore(image, options: RestoreOptions(tile: tile, overlap: overlap, ensemble: ensemble)).image
                XCTAssertEqual(tiled.width, whole.width)
                XCTAssertEqual(tiled.height, whole.height)
                let diff = RestoreTestModels.maxDifference(tiled.pixels, whole.pixels)
                XCTAssertLessThanOrEqual(diff, tolerance, "\(json) tile \(tile) overlap \(overlap) ensemble \(ensemble) \(TestSeed.note)")
            }
        }
    }

    /// The documented bound (docs/RESTORE.md): with the default overlap, an ACLA model of the
    /// paper's depth whose keys reach several pixels away (median 3.7, 90% within 6.4 px of the
    /// query, like bench/restore_seams.py's "acla") differs from untiled by at most 1/255.
    func testDefaultOverlapStaysWithinOneLevelOnAPhoto() throws {
        let net = try RestoreTestModels.network(#"""
            {"backbone": "edsr", "scale": 2, "blocks": 16, "features": 8,
             "attention": {"kind": "acla", "positions": [2, 7, 9, 13, 15], "keys": 16}}
            """#)
        try RestoreTestModels.spreadAttention(net, seed: 5, offsetScale: 0.02)
        let restorer = Restorer(network: net)
        let image = try RestoreTestModels.photoCrop()
        // keys must land pixels away from their query, or the test would say nothing about attention
        let probed = ForwardPass()
        probed.probe = ProbePixel(y: 48, x: 56)
        _ = try net.forward(restorer.modelInput(image), pass: probed)
        let keys = probed.statistics.flatMap(\.probe)
        let distances = keys.map { (Double($0.y) - 48) * (Double($0.y) - 48) + (Double($0.x) - 56) * (Double($0.x) - 56) }
            .map { $0.squareRoot() }.sorted()
        let whole = try restorer.restore(image, options: RestoreOptions(tile: 0)).image
        XCTAssertEqual(keys.count, 5 * 16 * 3)
        let median = distances[distances.count / 2]
        XCTAssertGreaterThan(median, 2.5, "keys reach \(median) px \(TestSeed.note)")
        // a tile just above the default overlap puts seams both ways into the crop
        let options = RestoreOptions(tile: RestoreOptions.defaultOverlap + 16, overlap: RestoreOptions.defaultOverlap)
        let plan = try restorer.plan(channels: 3, height: image.height, width: image.width, options: options)
        XCTAssertEqual(plan.grid.count, 6)
        let tiled = try restorer.restore(image, options: options).image
        XCTAssertLessThanOrEqual(RestoreTestModels.maxDifference(tiled.pixels, whole.pixels), 1, TestSeed.note)
        // and the measurement can fail: with 4 shared pixels the seams show
        let bare = try restorer.restore(image, options: RestoreOptions(tile: 40, overlap: 0)).image
        XCTAssertGreaterThan(RestoreTestModels.maxDifference(bare.pixels, whole.pixels), 1)
    }
}
