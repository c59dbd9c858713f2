import Foundation
@testable import Acla

/// Hand-made hostile files for the decoder tests (built in the test, not committed).
enum ImagingHostileFiles {
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    static func bigEndian32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    /// A PNG declaring the given size (valid CRCs) with a token IDAT: the header of a
    /// decompression bomb, enough for the size checks.
    static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        let body = Array("IHDR".utf8) + bigEndian32(width) + bigEndian32(height) + [8, 2, 0, 0, 0]
        let idat = Array("IDAT".utf8) + [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]
        let iend = Array("IEND".utf8)
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + bigEndian32(13) + body + bigEndian32(crc32(body))
            + bigEndian32(UInt32(idat.count - 4)) + idat + bigEndian32(crc32(idat))
            + bigEndian32(0) + iend + bigEndian32(crc32(iend))
    }

    static func segment(_ marker: UInt8, _ body: [UInt8]) -> [UInt8] {
        let n = body.count + 2
        return [0xFF, marker, UInt8(n >> 8), UInt8(n & 0xFF)] + body
    }

    /// An 8x8 gray progressive JPEG whose DC scan is repeated `scans` times: libjpeg only warns
    /// about the bogus progression and would decode every scan (the denial-of-service pattern).
    static func endlessProgressiveJPEG(scans: Int) -> [UInt8] {
        var out: [UInt8] = [0xFF, 0xD8]
        out += segment(0xDB, [0x00] + [UInt8](repeating: 1, count: 64))              // DQT 0, all ones
        out += segment(0xC2, [8, 0, 8, 0, 8, 1, 1, 0x11, 0])                         // SOF2 8x8, 1 component
        out += segment(0xC4, [0x00, 1] + [UInt8](repeating: 0, count: 15) + [0])     // DHT DC 0: one code '0' -> 0
        for _ in 0..<scans {
            out += segment(0xDA, [1, 1, 0x00, 0, 0, 0x00])                           // SOS DC first, Al 0
            out += [0x7F]                                                            // '0' then padding ones
        }
        return out + [0xFF, 0xD9]
    }

    /// A 4-component (CMYK) baseline JPEG header: enough for the colour-space check.
    static func cmykJPEG() -> [UInt8] {
        var out: [UInt8] = [0xFF, 0xD8]
        out += segment(0xDB, [0x00] + [UInt8](repeating: 1, count: 64))
        out += segment(0xC0, [8, 0, 8, 0, 8, 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0])
        out += segment(0xC4, [0x00, 1] + [UInt8](repeating: 0, count: 15) + [0])
        out += segment(0xC4, [0x10, 1] + [UInt8](repeating: 0, count: 15) + [0])
        out += segment(0xDA, [4, 1, 0x00, 2, 0x00, 3, 0x00, 4, 0x00, 0, 63, 0])
        return out + [0x00, 0xFF, 0xD9]
    }

    /// A copy of a JPEG with the frame size in its SOF0/SOF2 marker replaced.
    static func withJPEGSize(_ jpeg: [UInt8], width: UInt16, height: UInt16) -> [UInt8] {
        var out = jpeg
        var i = 2
        while i + 9 < out.count {
            guard out[i] == 0xFF else { break }
            let marker = out[i + 1]
            let length = Int(out[i + 2]) << 8 | Int(out[i + 3])
            if marker == 0xC0 || marker == 0xC2 {
                out[i + 5] = UInt8(height >> 8); out[i + 6] = UInt8(height & 0xFF)
                out[i + 7] = UInt8(width >> 8); out[i + 8] = UInt8(width & 0xFF)
                return out
            }
            i += 2 + length
        }
        return out
    }

    static func write(_ bytes: [UInt8], _ url: URL) throws -> String {
        try Data(bytes).write(to: url)
        return url.path
    }
}
