import Foundation
import XCTest
@testable import Acla

/// .npy reading and writing (tensor- and image-level) against files built by hand here, and the
/// strict header checks.
final class NpyFileTests: XCTestCase {
    /// A .npy file assembled byte by byte (not with the library's writer), header unpadded.
    static func npy(_ dict: String, _ data: [UInt8], version: UInt8 = 1) -> [UInt8] {
        let header = Array(dict.utf8) + [0x0A]
        var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
        for k in 0..<(version == 1 ? 2 : 4) { out.append(UInt8((header.count >> (8 * k)) & 0xFF)) }
        return out + header + data
    }

    static func littleEndian(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in (0..<4).map { UInt8((v.bitPattern >> (8 * $0)) & 0xFF) } }
    }

    static func littleEndian(_ values: [Double]) -> [UInt8] {
        values.flatMap { v in (0..<8).map { UInt8((v.bitPattern >> (8 * UInt64($0))) & 0xFF) } }
    }

    func write(_ bytes: [UInt8], _ name: String, in folder: URL) throws -> String {
        try ImagingHostileFiles.write(bytes, folder.appendingPathComponent(name))
    }

    func testTensorRoundTripKeepsShapeAndBits() throws {
        let folder = try ImagingTestData.temporaryFolder(self)
        var rng = TestSeed.generator(71)
        for (shape, tuple) in [([Int](), "()"), ([5], "(5,)"), ([2, 3], "(2, 3)"), ([1, 2, 3, 4], "(1, 2, 3, 4)")] {
            let t = rng.tensor(shape, -300, 300)
            let path = folder.appendingPathComponent("t\(shape.count).npy").path
            try NpyFile.write(t, to: path)
            XCTAssertEqual(try NpyFile.read(path, maxBytes: .max), t, "\(shape) \(TestSeed.note)")
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let headerEnd = bytes.count - 4 * t.count
            XCTAssertEqual(headerEnd % 64, 0, "header padded to 64 bytes")
            XCTAssertEqual(Array(bytes[0..<8]), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
            XCTAssertEqual(Int(bytes[8]) | Int(bytes[9]) << 8, headerEnd - 10)
            let header = String(decoding: bytes[10..<headerEnd], as: UTF8.self)
            XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': \(tuple), }"), header)
            XCTAssertTrue(header.hasSuffix(" \n"), header)
            XCTAssertEqual(Array(bytes[headerEnd...]), Self.littleEndian(Array(t.data)))
        }
    }

    func testReadsFloat64Uint8AndOtherHeaderSpellings() throws {
        let folder = try ImagingTestData.temporaryFolder(self)
        var rng = TestSeed.generator(72)
        let doubles = (0..<6).map { _ in rng.uniform(-1000, 1000) }
        var path = try write(Self.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", Self.littleEndian(doubles)), "f8.npy", in: folder)
        XCTAssertEqual(try NpyFile.read(path, maxBytes: .max), try Tensor(shape: [3, 2], data: doubles.map { Float($0) }))
        let bytes: [UInt8] = [0, 1, 127, 128, 254, 255]
        for descr in ["|u1", "<u1"] {
            path = try write(Self.npy("{'descr': '\(descr)', 'fortran_order': False, 'shape': (1, 2, 3), }", bytes), "u1.npy", in: folder)
            XCTAssertEqual(try NpyFile.read(path, maxBytes: .max), try Tensor(shape: [1, 2, 3], data: bytes.map { Float($0) }))
        }
        // Version 2 (32-bit length), double quotes, another key order, no trailing comma, tight spacing.
        let floats = (0..<2).map { _ in Float(rng.uniform(-5, 5)) }
        path = try write(Self.npy("{\"shape\":(2,),\"descr\":\"<f4\",\"fortran_order\":False}  ", Self.littleEndian(floats), version: 2), "v2.npy", in: folder)
        XCTAssertEqual(try NpyFile.read(path, maxBytes: .max), try Tensor(shape: [2], data: floats))
        path = try write(Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", []), "empty.npy", in: folder)
        XCTAssertEqual(try NpyFile.read(path, maxBytes: .max).shape, [0, 3])
    }

    func testMalformedFilesAreFormatErrors() throws {
        let folder = try ImagingTestData.temporaryFolder(self)
        let data = Self.littleEndian([Float(1.5), -2])
        let good = "'descr': '<f4', 'fortran_order': False, 'shape': (2,)"
        var cases: [(String, [UInt8])] = [
            ("missing key", Self.npy("{'descr': '<f4', 'fortran_order': False}", data)),
            ("unknown key", Self.npy("{\(good), 'extra': 1}", data)),
            ("duplicate key", Self.npy("{'descr': '<f4', \(good)}", data)),
            ("not a tuple", Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2)}", data)),
            ("negative size", Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", data)),
            ("size text", Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (two,)}", data)),
            ("huge size", Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1234567890123456789012,)}", data)),
            ("lowercase false", Self.npy("{'descr': '<f4', 'fortran_order': false, 'shape': (2,)}", data)),
            ("unquoted dtype", Self.npy("{'descr': f4, 'fortran_order': False, 'shape': (2,)}", data)),
            ("double comma", Self.npy("{\(good),,}", data)),
            ("text after dict", Self.npy("{\(good)} x", data)),
            ("no braces", Self.npy(good, data)),
            ("unclosed dict", Self.npy("{\(good)", data)),
            ("not ASCII", Self.npy("{\(good), 'é': 1}", data)),
            ("short data", Self.npy("{\(good)}", Array(data.dropLast()))),
            ("long data", Self.npy("{\(good)}", data + [0])),
            ("version 4", Self.npy("{\(good)}", data, version: 4)),
            ("empty", []),
            ("no magic", Array("nope, not numpy".utf8)),
            ("header beyond file", [0x93] + Array("NUMPY".utf8) + [1, 0, 0xFF, 0xFF] + Array("{'descr'".utf8)),
            ("v2 header over limit", [0x93] + Array("NUMPY".utf8) + [2, 0, 0, 0, 0x10, 0] + Array("{'descr'".utf8)),
        ]
        cases.append(("truncated", Array(cases[0].1.prefix(9))))
        for (index, (name, bytes)) in cases.enumerated() {
            let path = try write(bytes, "bad\(index).npy", in: folder)
            XCTAssertThrowsError(try NpyFile.read(path, maxBytes: .max), name) {
                let e = $0 as? AclaError
                XCTAssertEqual(e?.status, .format, "\(name): \($0)")
                XCTAssertTrue(e?.message.contains("bad\(index).npy") == true && e?.message.contains(".npy file") == true, "\(name): \($0)")
            }
        }
    }

    func testUnusableArraysAreUnsupported() throws {
        let folder = try ImagingTestData.temporaryFolder(self)
        for (name, dict, text) in [("int64", "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", "dtype '<i8'"),
                                   ("big endian", "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", "dtype '>f8'"),
                                   ("fortran", "{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }", "Fortran")] {
            let path = try write(Self.npy(dict, [UInt8](repeating: 0, count: 8)), "\(name).npy", in: folder)
            XCTAssertThrowsError(try NpyFile.read(path, maxBytes: .max), name) {
                XCTAssertEqual(($0 as? AclaError)?.status, .unsupported, "\($0)")
                XCTAssertTrue("\($0)".contains(text), "\($0)")
            }
        }
        XCTAssertThrowsError(try NpyFile.read(folder.path, maxBytes: .max)) { XCTAssertEqual(($0 as? AclaError)?.status, .io) }
        XCTAssertThrowsError(try NpyFile.read(folder.appendingPathComponent("absent.npy").path, maxBytes: .max)) {
            XCTAssertEqual(($0 as? AclaError)?.status, .io)
        }
    }

    func testLimitsAreCheckedBeforeTheDataIsRead() throws {
        let folder = try ImagingTestData.temporaryFolder(self)
        let path = try write(Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", Self.littleEndian([Float](arrayLiteral: 1, 2, 3, 4))), "a.npy", in: folder)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        XCTAssertEqual(try NpyFile.read(path, maxBytes: size).count, 4)
        XCTAssertThrowsError(try NpyFile.read(path, maxBytes: size - 1)) { XCTAssertEqual(($0 as? AclaError)?.status, .outOfMemory) }
        var seen: [Int]?
        XCTAssertThrowsError(try NpyFile.read(path, maxBytes: .max) { seen = $0; throw AclaError.shape("refused \($0)") }) {
            XCTAssertEqual(($0 as? AclaError)?.status, .shape)
        }
        XCTAssertEqual(seen, [2, 2])
        XCTAssertEqual(NpyFile.byteLimit(elements: .max), .max)
    }

    func testImagesRoundTripAndRejectGarbage() throws {
        let folder = try ImagingTestData.temporaryFolder(self)
        let image = try FloatImage(width: 3, height: 2, channels: 3, values: (0..<18).map { Float($0) * 1.5 - 2 })
        let path = folder.appendingPathComponent("a.npy").path
        try NpyFile.write(image, to: path)
        XCTAssertEqual(try NpyFile.readImage(path), image)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual((bytes.count - 18 * 4) % 64, 0, "header padded to 64 bytes")
        for (name, data) in [("short.npy", Array(bytes[0..<(bytes.count - 1)])), ("magic.npy", Array("nope".utf8)),
                             ("empty.npy", [])] {
            let bad = try ImagingHostileFiles.write(data, folder.appendingPathComponent(name))
            XCTAssertThrowsError(try NpyFile.readImage(bad), name) { XCTAssertEqual(($0 as? AclaError)?.status, .format, "\($0)") }
        }
    }

    func testImageShapes() throws {
        let folder = try ImagingTestData.temporaryFolder(self)
        let gray: [UInt8] = [0, 10, 20, 30, 40, 50]
        var path = try write(Self.npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", gray), "g.npy", in: folder)
        XCTAssertEqual(try NpyFile.readImage(path), try FloatImage(width: 3, height: 2, channels: 1, values: gray.map { Float($0) }))
        try NpyFile.write(try NpyFile.readImage(path), to: path)
        XCTAssertEqual(try NpyFile.read(path, maxBytes: .max).shape, [2, 3], "gray images are written as (H, W)")
        // shapes no layout fits, or two do, or with a batch or no pixels
        for (name, shape, count, status) in [("rank1", "(6,)", 6, AclaStatus.shape), ("rank5", "(1, 1, 2, 3, 1)", 6, .shape),
                                             ("channels2", "(2, 3, 2)", 12, .shape), ("ambiguous", "(3, 2, 3)", 18, .shape),
                                             ("batch", "(2, 1, 2, 3)", 12, .shape), ("zero", "(0, 3)", 0, .invalidArgument)] {
            path = try write(Self.npy("{'descr': '|u1', 'fortran_order': False, 'shape': \(shape), }",
                                      (0..<count).map { UInt8($0) }), "\(name).npy", in: folder)
            XCTAssertThrowsError(try NpyFile.readImage(path), name) { XCTAssertEqual(($0 as? AclaError)?.status, status, "\(name): \($0)") }
        }
    }

    /// CHW, NCHW and NHWC arrays read as the same image as its HWC array (index by index).
    func testImageLayoutsReadAsTheSameImage() throws {
        let folder = try ImagingTestData.temporaryFolder(self)
        let (h, w, c) = (2, 5, 3)
        var rng = RandomGenerator(seed: 91)
        let hwc = (0..<(h * w * c)).map { _ in UInt8(rng.uniform(0, 255)) }
        func at(_ y: Int, _ x: Int, _ k: Int) -> UInt8 { hwc[(y * w + x) * c + k] }
        var chw = [UInt8]()
        for k in 0..<c { for y in 0..<h { for x in 0..<w { chw.append(at(y, x, k)) } } }
        let expected = try FloatImage(width: w, height: h, channels: c, values: hwc.map { Float($0) })
        for (name, shape, data, layout) in [("hwc", "(2, 5, 3)", hwc, ImageArrayLayout.hwc), ("chw", "(3, 2, 5)", chw, .chw),
                                            ("nchw", "(1, 3, 2, 5)", chw, .nchw), ("nhwc", "(1, 2, 5, 3)", hwc, .nhwc)] {
            let path = try write(Self.npy("{'descr': '|u1', 'fortran_order': False, 'shape': \(shape), }", data), "\(name).npy", in: folder)
            let (image, read) = try NpyFile.readImageWithLayout(path)
            XCTAssertEqual(image, expected, name)
            XCTAssertEqual(read, layout, name)
        }
    }

    func testAtomicWritesKeepPermissionsAndLeaveNoTemporaryFiles() throws {
        let folder = try ImagingTestData.temporaryFolder(self)
        let path = folder.appendingPathComponent("report.json").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o600]))
        try AtomicFileWriter.write(Array("new".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "new")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int, 0o600)
        let sub = folder.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: false)
        XCTAssertThrowsError(try NpyFile.write(Tensor(zeros: [2]), to: sub.path)) { XCTAssertEqual(($0 as? AclaError)?.status, .io) }
        XCTAssertThrowsError(try AtomicFileWriter.write([1], to: folder.appendingPathComponent("no/such/dir/x").path)) {
            XCTAssertEqual(($0 as? AclaError)?.status, .io)
        }
        XCTAssertEqual(try Paths.list(folder.path), ["report.json", "sub"])
    }

    func testPathHelpers() throws {
        let folder = try ImagingTestData.temporaryFolder(self)
        XCTAssertEqual(Paths.isDirectory(folder.path), true)
        XCTAssertNil(Paths.isDirectory(folder.appendingPathComponent("absent").path))
        XCTAssertEqual(Paths.join("a", "b.png"), "a/b.png")
        XCTAssertEqual(Paths.join("a/", "b.png"), "a/b.png")
        XCTAssertEqual(Paths.fileName("x/y/img_001.png"), "img_001.png")
        XCTAssertEqual(Paths.fileName("x/y/"), "y")
        XCTAssertEqual(Paths.stem("x/img.tar.gz"), "img.tar")
        XCTAssertEqual(Paths.stem(".hidden"), ".hidden")
        XCTAssertThrowsError(try Paths.list(folder.appendingPathComponent("absent").path)) { XCTAssertEqual(($0 as? AclaError)?.status, .io) }
    }
}
