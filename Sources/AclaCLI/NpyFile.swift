import Acla
import Foundation

/// A small .npy reader and writer for `acla forward`: C-order arrays of float32, float64 or
/// uint8 in (converted to float32); float32 out. Everything read is validated (magic, header
/// length, dtype, shape, data size) and a bad file is an ACLA_ERR_FORMAT error.
enum NpyFile {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    static func read(path: String) throws -> Tensor {
        guard let data = FileManager.default.contents(atPath: path) else { throw AclaError.io("cannot read '\(path)'") }
        return try decode(Array(data), name: path)
    }

    static func decode(_ bytes: [UInt8], name: String) throws -> Tensor {
        func bad(_ why: String) -> AclaError { AclaError.format("'\(name)' is not a usable .npy file: \(why)") }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw bad("missing the \\x93NUMPY magic") }
        let major = bytes[6]
        var headerStart = 10
        var headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        if major == 2 || major == 3 {
            guard bytes.count >= 12 else { throw bad("truncated") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        } else if major != 1 {
            throw bad("unsupported version \(major)")
        }
        guard headerLength <= bytes.count - headerStart else { throw bad("header length \(headerLength) is beyond the file") }
        guard let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw bad("header is not text")
        }
        let descr = try field("descr", in: header, bad)
        let fortran = try field("fortran_order", in: header, bad)
        let shapeText = try field("shape", in: header, bad)
        guard fortran == "False" else { throw bad("Fortran-order arrays are not supported") }
        let itemSize: Int
        switch descr {
        case "'<f4'": itemSize = 4
        case "'<f8'": itemSize = 8
        case "'|u1'", "'<u1'": itemSize = 1
        default: throw bad("dtype \(descr) is not supported (float32, float64 or uint8)")
        }
        let inner = shapeText.dropFirst().dropLast()
        let shape = try inner.split(separator: ",").map { part -> Int in
            let t = part.trimmingCharacters(in: .whitespaces)
            guard let d = Int(t), d >= 0 else { throw bad("shape \(shapeText) is not a tuple of sizes") }
            return d
        }
        let count = try CheckedSize.product(shape, what: ".npy array")
        let dataStart = headerStart + headerLength
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: itemSize)
        guard !overflow, bytes.count - dataStart == byteCount else {
            throw bad("shape \(shape) needs \(count) items of \(itemSize) bytes, the file holds \(bytes.count - dataStart) bytes")
        }
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for i in 0..<count {
                let o = dataStart + i * itemSize
                switch itemSize {
                case 4: values[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self)))
                case 8: values[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self))))
                default: values[i] = Float(raw[o])
                }
            }
        }
        return try Tensor(shape: shape, data: values)
    }

    /// The text after `'key':` up to the next top-level comma (a tuple counts as one value).
    private static func field(_ key: String, in header: String, _ bad: (String) -> AclaError) throws -> String {
        guard let r = header.range(of: "'\(key)':") else { throw bad("header lacks '\(key)'") }
        var value = ""
        var depth = 0
        for ch in header[r.upperBound...] {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if depth == 0, ch == "," || ch == "}" { break }
            value.append(ch)
            if depth == 0, ch == ")" { break }
        }
        return value.trimmingCharacters(in: .whitespaces)
    }

    static func encode(_ t: Tensor) -> [UInt8] {
        let shape = t.shape.count == 1 ? "(\(t.shape[0]),)" : "(" + t.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        // pad so the data starts at a multiple of 64 bytes, ending the header with a newline
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let h = Array(header.utf8)
        var out = magic + [1, 0, UInt8(h.count & 0xFF), UInt8(h.count >> 8)] + h
        out.reserveCapacity(out.count + 4 * t.count)
        for v in t.data {
            let b = v.bitPattern.littleEndian
            out += [UInt8(b & 0xFF), UInt8((b >> 8) & 0xFF), UInt8((b >> 16) & 0xFF), UInt8(b >> 24)]
        }
        return out
    }

    static func write(_ t: Tensor, path: String) throws {
        do {
            try Data(encode(t)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw AclaError.io("cannot write '\(path)': \(error.localizedDescription)")
        }
    }
}
