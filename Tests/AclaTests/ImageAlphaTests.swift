import XCTest
@testable import Acla

/// PNG alpha kept through decoding (`ImageFile.readPixels(keepAlpha:)`), written back, and
/// restored from files: the colour channels are those of the alpha-dropping decoder, the alpha
/// channel the file's.
final class ImageAlphaTests: XCTestCase {
    func testKeepingAlphaAddsTheFilesAlphaChannel() throws {
        for (name, channels) in [("photo_rgba.png", 4), ("photo_gray_alpha.png", 2)] {
            let path = try ImagingTestData.fixture(name)
            let plain = try ImageFile.read(path).image
            XCTAssertTrue(try ImageFile.read(path).info.notes.contains(.alphaDropped))
            let info = try ImageFile.info(path, keepAlpha: true)
            XCTAssertEqual(info.channels, channels, name)
            XCTAssertFalse(info.notes.contains(.alphaDropped))
            let kept = try ImageFile.readPixels(path, keepAlpha: true)
            XCTAssertEqual(kept.channels, channels)
            XCTAssertEqual(kept.pixels.count, plain.width * plain.height * channels)
            let colour = AlphaChannel.dropped(kept.pixels, channels: channels)
            XCTAssertEqual(colour, plain.pixels, "\(name): colour channels differ from the alpha-dropping decoder")
            let alpha = stride(from: channels - 1, to: kept.pixels.count, by: channels).map { kept.pixels[$0] }
            XCTAssertGreaterThan(Set(alpha).count, 1, "\(name): the fixture's alpha should vary")
        }
        // no alpha in the file: the flag changes nothing
        for name in ["photo_rgb.png", "photo_gray.png", "photo_rgb.jpg", "photo_palette.png", "photo_rgb16.png"] {
            let path = try ImagingTestData.fixture(name)
            let plain = try ImageFile.read(path).image
            let kept = try ImageFile.readPixels(path, keepAlpha: true)
            XCTAssertEqual(kept.channels, plain.channels, name)
            XCTAssertEqual(kept.pixels, plain.pixels, name)
        }
    }

    func testAlphaLayoutsWriteAsPNGAndReadBackExactly() throws {
        let folder = try ImagingTestData.temporaryFolder(self)
        var rng = TestSeed.generator(71)
        for channels in [2, 4] {
            let (w, h) = (rng.int(1, 40), rng.int(1, 40))
            let pixels = (0..<(w * h * channels)).map { _ in UInt8(rng.int(0, 255)) }
            let png = folder.appendingPathComponent("a\(channels).png").path
            try ImageFile.write(pixels: pixels, width: w, height: h, channels: channels, to: png)
            let back = try ImageFile.readPixels(png, keepAlpha: true)
            XCTAssertEqual(back.channels, channels)
            XCTAssertEqual(back.pixels, pixels, "\(channels) channels \(TestSeed.note)")
            // read without the flag: alpha dropped, with the note
            let (plain, info) = try ImageFile.read(png)
            XCTAssertEqual(plain.pixels, AlphaChannel.dropped(pixels, channels: channels))
            XCTAssertTrue(info.notes.contains(.alphaDropped))
            let jpg = folder.appendingPathComponent("a\(channels).jpg").path
            XCTAssertThrowsError(try ImageFile.write(pixels: pixels, width: w, height: h, channels: channels, to: jpg)) {
                XCTAssertEqual(($0 as? AclaError)?.status, .unsupported)
                XCTAssertTrue(($0 as? AclaError)?.message.contains("alpha") ?? false)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: jpg))
        }
        XCTAssertThrowsError(try ImageFile.write(pixels: [1, 2, 3], width: 1, height: 1, channels: 5,
                                                 to: folder.appendingPathComponent("x.png").path))
        XCTAssertThrowsError(try ImageFile.write(pixels: [1, 2, 3], width: 1, height: 1, channels: 4,
                                                 to: folder.appendingPathComponent("x.png").path))
    }

    /// Each task's alpha layouts from a file: the colour channels restore as the image without
    /// alpha does, and the alpha is MATLAB bicubic of the file's (super-resolution) or the file's
    /// (same-size tasks). Demosaicing refuses alpha.
    func testRestoringFilesWithAlphaForEveryTask() throws {
        let configs = [
            #"{"backbone": "edsr", "scale": 2, "blocks": 1, "features": 4}"#,
            #"{"backbone": "edsr", "scale": 3, "blocks": 1, "features": 4}"#,
            #"{"backbone": "edsr", "task": "denoise", "channels": 3, "blocks": 1, "features": 4}"#,
            #"{"backbone": "edsr", "task": "denoise", "channels": 1, "blocks": 1, "features": 4}"#,
            #"{"backbone": "edsr", "task": "jpeg", "channels": 1, "blocks": 1, "features": 4}"#,
            #"{"backbone": "edsr", "task": "jpeg", "channels": 3, "blocks": 1, "features": 4}"#,
        ]
        for json in configs {
            let net = try RestoreTestModels.network(json)
            try RestoreTestModels.randomise(net, seed: 9)
            let restorer = Restorer(network: net)
            let s = net.config.scale
            for name in ["photo_rgba.png", "photo_gray_alpha.png"] {
                let path = try ImagingTestData.fixture(name)
                let kept = try ImageFile.readPixels(path, keepAlpha: true)
                let (out, plan) = try restorer.restore(pixels: kept.pixels, channels: kept.channels, height: kept.height,
                                                       width: kept.width, options: RestoreOptions(tile: 16, overlap: 6))
                let opaque = try restorer.restore(ImageFile.read(path).image, options: RestoreOptions(tile: 16, overlap: 6)).image
                let oc = plan.outputChannels
                XCTAssertEqual(oc, opaque.channels + 1, "\(json) \(name)")
                XCTAssertEqual(AlphaChannel.dropped(out, channels: oc), opaque.pixels, "\(json) \(name): colour")
                let alphaIn = stride(from: kept.channels - 1, to: kept.pixels.count, by: kept.channels).map { kept.pixels[$0] }
                var expected = alphaIn
                if s > 1 {
                    let plane = try Image8(width: kept.width, height: kept.height, channels: 1, pixels: alphaIn)
                    expected = try BicubicResize.resize(plane, scale: Double(s), boundary: .symmetric).pixels
                }
                let alphaOut = stride(from: oc - 1, to: out.count, by: oc).map { out[$0] }
                XCTAssertEqual(alphaOut, expected, "\(json) \(name): alpha")
                XCTAssertTrue(plan.notes.contains(s > 1 ? .alphaResized : .alphaCopied))
            }
        }
        let demosaic = Restorer(network: try RestoreTestModels.network(#"{"backbone": "edsr", "task": "demosaic", "blocks": 1, "features": 4}"#))
        let kept = try ImageFile.readPixels(try ImagingTestData.fixture("photo_rgba.png"), keepAlpha: true)
        XCTAssertThrowsError(try demosaic.plan(channels: kept.channels, height: kept.height, width: kept.width)) {
            XCTAssertEqual(($0 as? AclaError)?.status, .unsupported)
        }
    }
}
