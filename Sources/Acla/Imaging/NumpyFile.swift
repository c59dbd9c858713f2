/// Minimal .npy files for float images (the float noise convention cannot be stored in an
/// 8-bit PNG): C-order arrays of shape (H, W) or (H, W, C) with C 1 or 3. Reads little-endian
/// float32, float64 and uint8; writes float32. Every header field is validated; anything else
/// is a clear error.
public enum NumpyFile {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]   // "\x93NUMPY"

    public static func write(_ image: FloatImage, to path: String) throws {
        let shape = image.channels == 1 ? "(\(image.height), \(image.width))" : "(\(image.height), \(image.width), \(image.channels))"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        // Magic (6) + version (2) + length (2) + header + "\n", padded to a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = magic + [1, 0]
        let length = header.utf8.count
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.reserveCapacity(data.count + 4 * image.values.count)
        for v in image.values {
            let bits = v.bitPattern
            for k in 0..<4 { data.append(UInt8(truncatingIfNeeded: bits >> (8 * k))) }
        }
        try PlainFiles.write(data, to: path)
    }

    public static func read(_ path: String) throws -> FloatImage {
        // The largest array within the pixel limit: 3 float64 channels, plus the header.
        let limit = ImageLimits.maxPixels.multipliedReportingOverflow(by: 3 * 8)
        let padded = limit.partialValue.addingReportingOverflow(65536 + 12)
        let maxBytes = limit.overflow || padded.overflow ? Int.max : padded.partialValue
        let bytes = try PlainFiles.read(path, maxBytes: maxBytes)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw AclaError.format("\(path) is not a .npy file") }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw AclaError.format("\(path): truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw AclaError.format("\(path): unsupported .npy version \(major)")
        }
        guard headerLength <= 65536, bytes.count >= headerStart + headerLength else {
            throw AclaError.format("\(path): .npy header length \(headerLength) is invalid")
        }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        let (descr, fortran, shape) = try parseHeader(header, path: path)
        guard !fortran else { throw AclaError.unsupported("\(path): Fortran-order arrays are not supported") }
        let (height, width, channels): (Int, Int, Int)
        switch shape.count {
        case 2: (height, width, channels) = (shape[0], shape[1], 1)
        case 3: (height, width, channels) = (shape[0], shape[1], shape[2])
        default: throw AclaError.shape("\(path): array of shape \(shape) is not an image (H, W) or (H, W, C)")
        }
        try Image8.validate(width: width, height: height, channels: channels)
        let count = try CheckedSize.product([height, width, channels], what: "array")
        let itemSize: Int
        switch descr {
        case "<f4": itemSize = 4
        case "<f8": itemSize = 8
        case "|u1", "<u1": itemSize = 1
        default: throw AclaError.unsupported("\(path): array type '\(descr)' is not supported (use float32, float64 or uint8)")
        }
        let start = headerStart + headerLength
        guard bytes.count - start == count * itemSize else {
            throw AclaError.format("\(path): holds \(bytes.count - start) data bytes, the shape \(shape) needs \(count * itemSize)")
        }
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { p in
            for i in 0..<count {
                let o = start + i * itemSize
                switch itemSize {
                case 1:
                    values[i] = Float(p[o])
                case 4:
                    var bits: UInt32 = 0
                    for k in 0..<4 { bits |= UInt32(p[o + k]) << (8 * k) }
                    values[i] = Float(bitPattern: bits)
                default:
                    var bits: UInt64 = 0
                    for k in 0..<8 { bits |= UInt64(p[o + k]) << (8 * k) }
                    values[i] = Float(Double(bitPattern: bits))
                }
            }
        }
        return FloatImage(validatedWidth: width, height: height, channels: channels, values: values)
    }

    /// Parses the Python-literal header dict `{'descr': ..., 'fortran_order': ..., 'shape': (...)}`.
    static func parseHeader(_ header: String, path: String) throws -> (String, Bool, [Int]) {
        let text = Array(header)
        /// The characters after `'key'` and its colon.
        func value(of key: String) -> ArraySlice<Character>? {
            let pattern = Array("'\(key)'")
            guard text.count >= pattern.count else { return nil }
            for start in 0...(text.count - pattern.count) where Array(text[start..<(start + pattern.count)]) == pattern {
                var i = start + pattern.count
                while i < text.count, text[i] == " " { i += 1 }
                guard i < text.count, text[i] == ":" else { return nil }
                i += 1
                while i < text.count, text[i] == " " { i += 1 }
                return text[i...]
            }
            return nil
        }
        let malformed = AclaError.format("\(path): malformed .npy header \(header.prefix(120))")
        guard let d = value(of: "descr"), d.first == "'", let end = d.dropFirst().firstIndex(of: "'") else { throw malformed }
        let descr = String(d[(d.startIndex + 1)..<end])
        guard let f = value(of: "fortran_order") else { throw malformed }
        let fortran: Bool
        if f.starts(with: "True") { fortran = true } else if f.starts(with: "False") { fortran = false } else { throw malformed }
        guard let sh = value(of: "shape"), sh.first == "(", let close = sh.firstIndex(of: ")") else { throw malformed }
        var shape: [Int] = []
        for part in sh[(sh.startIndex + 1)..<close].split(separator: ",") {
            let entry = String(part.filter { $0 != " " })
            if entry.isEmpty { continue }
            guard entry.count <= 12, let n = Int(entry) else { throw AclaError.format("\(path): .npy shape entry '\(entry)' is invalid") }
            shape.append(n)
        }
        return (descr, fortran, shape)
    }
}
