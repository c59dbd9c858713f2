import Foundation
import XCTest
@testable import Acla

/// PNG/JPEG decoding of every layout, writing, and the refusal of hostile files.
final class ImagingCodecTests: XCTestCase {
    func read(_ name: String) throws -> (image: Image8, info: ImageFileInfo) {
        try ImageFile.read(try ImagingTestData.fixture(name))
    }

    func testEveryPNGLayoutDecodesToItsEightBitImage() throws {
        let rgb = try read("photo_rgb.png")
        let gray = try read("photo_gray.png")
        XCTAssertEqual(rgb.info, ImageFileInfo(format: .png, width: 32, height: 24, channels: 3, notes: []))
        XCTAssertEqual(gray.info, ImageFileInfo(format: .png, width: 32, height: 24, channels: 1, notes: []))

        // 16-bit samples are 257 v +- 128: round(v / 257) recovers v, truncation would not.
        let rgb16 = try read("photo_rgb16.png")
        XCTAssertEqual(rgb16.image, rgb.image)
        XCTAssertEqual(rgb16.info.notes, .reducedFrom16Bit)
        XCTAssertEqual(try read("photo_gray16.png").image, gray.image)

        let rgba = try read("photo_rgba.png")
        XCTAssertEqual(rgba.image, rgb.image)
        XCTAssertEqual(rgba.info.notes, .alphaDropped)
        XCTAssertEqual(rgba.info.notes.messages, ["alpha channel dropped"])
        let grayAlpha = try read("photo_gray_alpha.png")
        XCTAssertEqual(grayAlpha.image, gray.image)
        XCTAssertEqual(grayAlpha.info.notes, .alphaDropped)

        XCTAssertEqual(try read("photo_rgb_interlaced.png").image, rgb.image)
        let palette = try read("photo_palette.png")
        XCTAssertEqual(palette.image.channels, 3)
        XCTAssertEqual(palette.image, gray.image.toRGB())

        // 1-bit gray is the gray crop thresholded at 128, expanded to 0 / 255.
        let bits = try read("photo_gray1.png").image
        XCTAssertEqual(bits.pixels, gray.image.pixels.map { $0 >= 128 ? 255 : 0 })
    }

    func testPNGAndJPEGWriteAndReadBack() throws {
        let folder = try ImagingTestData.temporaryFolder(self)
        for name in ["photo_rgb.png", "photo_gray.png"] {
            let image = try read(name).image
            let png = folder.appendingPathComponent("out.png").path
            try ImageFile.write(image, to: png)
            XCTAssertEqual(try ImageFile.read(png).image, image)
            // JPEG files decode to exactly what the in-memory round trip gives.
            let jpeg = folder.appendingPathComponent("out.JPG").path
            try ImageFile.write(image, to: jpeg, quality: 90)
            let back = try ImageFile.read(jpeg)
            XCTAssertEqual(back.info.format, .jpeg)
            XCTAssertEqual(back.image, try JPEGDegradation.roundTrip(image, quality: 90))
            XCTAssertGreaterThan(try ImageMetrics.psnr(back.image, image), 30)
        }
        // No temporary files are left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["out.JPG", "out.png"])
    }

    func testCommittedJPEGFixturesDecode() throws {
        let rgb = try read("photo_rgb.jpg")
        XCTAssertEqual(rgb.info, ImageFileInfo(format: .jpeg, width: 32, height: 24, channels: 3, notes: []))
        XCTAssertGreaterThan(try ImageMetrics.psnr(rgb.image, try read("photo_rgb.png").image), 28)
        let gray = try read("photo_gray.jpg")
        XCTAssertEqual(gray.info.channels, 1)
        XCTAssertEqual(gray.image, try JPEGDegradation.roundTrip(try read("photo_gray.png").image, quality: 75))
    }

    func testFailedWriteKeepsTheExistingFile() throws {
        let folder = try ImagingTestData.temporaryFolder(self)
        let path = folder.appendingPathComponent("keep.jpg").path
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        let wide = try Image8(width: 70000, height: 1, channels: 1)
        XCTAssertThrowsError(try ImageFile.write(wide, to: path)) { XCTAssertEqual(($0 as? AclaError)?.status, .unsupported) }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data([1, 2, 3]))
        let missing = folder.appendingPathComponent("no/such/folder/x.png").path
        XCTAssertThrowsError(try ImageFile.write(try read("photo_gray.png").image, to: missing)) { error in
            XCTAssertEqual((error as? AclaError)?.status, .io)
            XCTAssertTrue("\(error)".contains("x.png"), "\(error)")
        }
        XCTAssertThrowsError(try ImageFile.write(try read("photo_gray.png").image, to: folder.appendingPathComponent("x.bmp").path)) {
            XCTAssertEqual(($0 as? AclaError)?.status, .unsupported)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["keep.jpg"])
    }

    /// Every hostile file is a clear error with the right status, never a crash.
    func testHostileFilesGiveClearErrors() throws {
        let folder = try ImagingTestData.temporaryFolder(self)
        let png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try ImagingTestData.fixture("photo_rgb.png"))))
        let jpeg = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try ImagingTestData.fixture("photo_rgb.jpg"))))
        var flipped = png
        flipped[png.count / 2] ^= 0x55
        let cases: [(String, [UInt8], AclaStatus, String)] = [
            ("empty.png", [], .format, "empty"),
            ("text.png", Array("hello, world".utf8), .format, "not a PNG or JPEG"),
            ("truncated.png", Array(png[0..<(png.count / 2)]), .format, "truncated"),
            ("signature.png", Array(png[0..<8]), .format, "truncated"),
            ("flipped.png", flipped, .format, "corrupt PNG"),
            ("truncated.jpg", Array(jpeg[0..<(jpeg.count / 2)]), .format, "truncated"),
            ("header.jpg", Array(jpeg[0..<3]), .format, "JPEG"),
            ("zero.png", ImagingHostileFiles.pngHeader(width: 0, height: 5), .format, "zero"),
            ("huge.png", ImagingHostileFiles.pngHeader(width: 100_000, height: 100_000), .outOfMemory, "over the limit"),
            ("huge.jpg", ImagingHostileFiles.withJPEGSize(jpeg, width: 60000, height: 60000), .outOfMemory, "over the limit"),
            ("zero.jpg", ImagingHostileFiles.withJPEGSize(jpeg, width: 0, height: 24), .format, "JPEG"),
            ("scans.jpg", ImagingHostileFiles.endlessProgressiveJPEG(scans: 300), .format, "scans"),
            ("cmyk.jpg", ImagingHostileFiles.cmykJPEG(), .unsupported, "CMYK"),
        ]
        for (name, bytes, status, text) in cases {
            let path = try ImagingHostileFiles.write(bytes, folder.appendingPathComponent(name))
            XCTAssertThrowsError(try ImageFile.read(path), name) { error in
                XCTAssertEqual((error as? AclaError)?.status, status, "\(name): \(error)")
                XCTAssertTrue("\(error)".contains(text), "\(name): '\(error)' lacks '\(text)'")
                XCTAssertTrue("\(error)".contains(name), "\(name): '\(error)' does not name the file")
            }
        }
        // The same file with 20 scans is within the limit and decodes (every DC is 0: gray 128).
        let fine = try ImagingHostileFiles.write(ImagingHostileFiles.endlessProgressiveJPEG(scans: 20), folder.appendingPathComponent("few.jpg"))
        let few = try ImageFile.read(fine).image
        XCTAssertEqual([few.width, few.height, few.channels], [8, 8, 1])
        XCTAssertEqual(Set(few.pixels), [128])
        XCTAssertThrowsError(try ImageFile.read(folder.path)) { XCTAssertEqual(($0 as? AclaError)?.status, .io) }
        XCTAssertThrowsError(try ImageFile.read(folder.appendingPathComponent("missing.png").path)) {
            XCTAssertEqual(($0 as? AclaError)?.status, .io)
        }
    }

    func testPixelLimitIsCheckedBeforeDecoding() throws {
        let path = try ImagingTestData.fixture("photo_rgb.png")
        XCTAssertEqual(ImageLimits.maxPixels, 100_000_000)
        defer { try? ImageLimits.setMaxPixels(ImageLimits.defaultMaxPixels) }
        try ImageLimits.setMaxPixels(32 * 24)
        XCTAssertEqual(try ImageFile.read(path).image.width, 32)
        try ImageLimits.setMaxPixels(32 * 24 - 1)
        XCTAssertThrowsError(try ImageFile.read(path)) { error in
            XCTAssertEqual((error as? AclaError)?.status, .outOfMemory)
            XCTAssertTrue("\(error)".contains("767"), "\(error)")
        }
        XCTAssertThrowsError(try ImageFile.info(path)) { XCTAssertEqual(($0 as? AclaError)?.status, .outOfMemory) }
        XCTAssertThrowsError(try ImageLimits.setMaxPixels(0)) { XCTAssertEqual(($0 as? AclaError)?.status, .invalidArgument) }
    }
}
