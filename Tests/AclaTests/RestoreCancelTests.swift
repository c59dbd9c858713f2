import XCTest
@testable import Acla

/// Progress reports and cancellation.
final class RestoreCancelTests: XCTestCase {
    func net() throws -> Network {
        let net = try RestoreTestModels.network(#"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4}"#)
        try RestoreTestModels.randomise(net, seed: 81)
        return net
    }

    func testProgressCountsEveryPassOnce() throws {
        let restorer = Restorer(network: try net())
        let image = try RestoreTestModels.photoCrop()
        for (options, planes) in [(RestoreOptions(tile: 40, overlap: 8), 1), (RestoreOptions(tile: 60, overlap: 10, ensemble: true), 1)] {
            var seen: [RestoreProgress] = []
            _ = try restorer.restore(image, options: options) { seen.append($0); return .proceed }
            let plan = try restorer.plan(channels: 3, height: image.height, width: image.width, options: options)
            XCTAssertEqual(plan.passes, plan.grid.count * options.transforms * planes)
            XCTAssertEqual(seen.map(\.done), Array(0...plan.passes))
            XCTAssertTrue(seen.allSatisfy { $0.total == plan.passes && $0.tiles == plan.grid.count })
            XCTAssertEqual(seen.last?.tilesDone, plan.grid.count)
            XCTAssertEqual(seen.first?.tilesDone, 0)
        }
    }

    /// Cancelling after the first tile: ACLA_ERR_CANCELLED, the first tile's core is written
    /// (equal to the full restore there), every other output sample keeps its old value.
    func testCancelAfterFirstTileLeavesTheRestUntouched() throws {
        let restorer = Restorer(network: try net())
        let image = try RestoreTestModels.photoCrop()
        let options = RestoreOptions(tile: 40, overlap: 8)
        let plan = try restorer.plan(channels: 3, height: image.height, width: image.width, options: options)
        XCTAssertGreaterThan(plan.grid.count, 4)
        let full = try restorer.restore(image, options: options).image
        let sentinel: UInt8 = 0xA5
        var out = [UInt8](repeating: sentinel, count: plan.outputCount)
        var calls = 0
        XCTAssertThrowsError(try image.pixels.withUnsafeBufferPointer { src in
            try out.withUnsafeMutableBufferPointer { dst in
                try restorer.restore(plan, input: src, output: dst) { p in
                    calls += 1
                    return p.tilesDone >= 1 ? .cancel : .proceed
                }
            }
        }) { error in
            XCTAssertEqual((error as? AclaError)?.status, .cancelled)
            XCTAssertTrue((error as? AclaError)?.message.contains("1 of \(plan.grid.count) tiles") ?? false)
        }
        XCTAssertEqual(calls, 2)
        let (rows, cols) = (plan.grid.rows.cores[0], plan.grid.columns.cores[0])
        var written = 0
        for y in 0..<plan.outputHeight {
            for x in 0..<plan.outputWidth {
                let inFirst = rows.contains(y / 2) && cols.contains(x / 2)
                for c in 0..<3 {
                    let i = (y * plan.outputWidth + x) * 3 + c
                    if inFirst {
                        XCTAssertEqual(out[i], full.pixels[i])
                        written += 1
                    } else {
                        XCTAssertEqual(out[i], sentinel, "(\(y), \(x)) outside the first tile was written")
                    }
                }
            }
        }
        XCTAssertEqual(written, rows.count * cols.count * 4 * 3)
        // cancelling before any work writes nothing
        var untouched = [UInt8](repeating: sentinel, count: plan.outputCount)
        XCTAssertThrowsError(try image.pixels.withUnsafeBufferPointer { src in
            try untouched.withUnsafeMutableBufferPointer { dst in
                try restorer.restore(plan, input: src, output: dst) { _ in .cancel }
            }
        })
        XCTAssertTrue(untouched.allSatisfy { $0 == sentinel })
    }

    /// `shouldCancel` is checked between body layers: a cancel stops inside the first tile.
    func testCancelBetweenLayersStopsInsideATile() throws {
        let net = try RestoreTestModels.network(#"{"backbone": "edsr", "scale": 2, "blocks": 6, "features": 4}"#)
        let restorer = Restorer(network: net)
        let image = try RestoreTestModels.photoCrop()
        let plan = try restorer.plan(channels: 3, height: image.height, width: image.width, options: RestoreOptions(tile: 0))
        var checks = 0
        var reports: [Int] = []
        var out = [UInt8](repeating: 0x5A, count: plan.outputCount)
        XCTAssertThrowsError(try image.pixels.withUnsafeBufferPointer { src in
            try out.withUnsafeMutableBufferPointer { dst in
                try restorer.restore(plan, input: src, output: dst, progress: { reports.append($0.done); return .proceed },
                                     shouldCancel: { checks += 1; return checks == 3 })
            }
        }) { XCTAssertEqual(($0 as? AclaError)?.status, .cancelled) }
        XCTAssertEqual(checks, 3, "the pass stopped at the third between-layer check")
        XCTAssertEqual(reports, [0], "no pass completed")
        XCTAssertTrue(out.allSatisfy { $0 == 0x5A })
        // the same pass object runs normally afterwards (its cancel check was restored)
        let pass = ForwardPass()
        XCTAssertNoThrow(try image.pixels.withUnsafeBufferPointer { src in
            try out.withUnsafeMutableBufferPointer { dst in
                try restorer.restore(plan, input: src, output: dst, pass: pass, shouldCancel: { false })
            }
        })
        XCTAssertNil(pass.shouldCancel)
    }
}
