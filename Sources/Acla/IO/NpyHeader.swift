/// The header of a .npy file: the Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` after the magic, version and
/// length. Parsed as strictly as numpy itself reads it: ASCII text, exactly these three keys
/// (each once), a quoted dtype, True/False, and a tuple of non-negative sizes (a 1-tuple needs
/// its comma, as in Python); only whitespace may follow the closing brace.
struct NpyHeader {
    /// The element types acla reads (all converted to float32); it writes float32.
    enum DType {
        case float32, float64, uint8

        init?(descr: String) {
            switch descr {
            case "<f4": self = .float32
            case "<f8": self = .float64
            case "|u1", "<u1": self = .uint8
            default: return nil
            }
        }

        var descr: String {
            switch self {
            case .float32: return "<f4"
            case .float64: return "<f8"
            case .uint8: return "|u1"
            }
        }

        var itemSize: Int {
            switch self {
            case .float32: return 4
            case .float64: return 8
            case .uint8: return 1
            }
        }
    }

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// Longer headers are refused before they are read (numpy's own limit is 10000 bytes).
    static let maxLength = 65536

    var dtype: DType
    var shape: [Int]
    var fortranOrder = false

    /// Magic, version, length and the dict padded with spaces and a newline so the data starts at
    /// a multiple of 64 bytes (version 2.0 only when the dict outgrows version 1.0's 16-bit length).
    func encoded() -> [UInt8] {
        let tuple = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        let dict = Array("{'descr': '\(dtype.descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(tuple), }".utf8)
        let v1 = 10 + dict.count + 1 <= 0xFFFF
        let preamble = v1 ? 10 : 12
        let padding = (64 - (preamble + dict.count + 1) % 64) % 64
        let length = dict.count + padding + 1
        var out = Self.magic + [v1 ? 1 : 2, 0]
        for k in 0..<(v1 ? 2 : 4) { out.append(UInt8(truncatingIfNeeded: length >> (8 * k))) }
        out += dict
        out += [UInt8](repeating: 0x20, count: padding) + [0x0A]
        return out
    }

    /// Parses the dict text. `bad` builds the format error (it names the file).
    static func parse(_ text: [UInt8], bad: (String) -> AclaError) throws -> (descr: String, fortranOrder: Bool, shape: [Int]) {
        guard text.allSatisfy({ $0 < 0x80 }) else { throw bad("header is not ASCII text") }
        var s = Scanner(bytes: text)
        var descr: String?
        var fortran: Bool?
        var shape: [Int]?
        guard s.eat("{") else { throw bad("header does not start with '{'") }
        while !s.eat("}") {
            guard let key = s.quoted() else { throw bad("expected a quoted key at byte \(s.index) of the header") }
            guard s.eat(":") else { throw bad("expected ':' after '\(key)'") }
            switch key {
            case "descr" where descr == nil:
                guard let v = s.quoted() else { throw bad("'descr' is not a quoted dtype") }
                descr = v
            case "fortran_order" where fortran == nil:
                switch s.word() {
                case "True": fortran = true
                case "False": fortran = false
                default: throw bad("'fortran_order' is not True or False")
                }
            case "shape" where shape == nil:
                guard let t = s.sizeTuple() else { throw bad("'shape' is not a tuple of sizes") }
                shape = t
            case "descr", "fortran_order", "shape":
                throw bad("key '\(key)' appears twice")
            default:
                throw bad("unexpected key '\(key)'")
            }
            if s.eat(",") { continue }
            guard s.eat("}") else { throw bad("expected ',' or '}' at byte \(s.index) of the header") }
            break
        }
        guard s.atEnd else { throw bad("text after the header's closing brace") }
        guard let descr, let fortran, let shape else {
            let missing = [("descr", descr == nil), ("fortran_order", fortran == nil), ("shape", shape == nil)].filter(\.1).map(\.0)
            throw bad("header lacks \(missing.map { "'\($0)'" }.joined(separator: ", "))")
        }
        return (descr, fortran, shape)
    }

    /// A cursor over the header bytes; every read skips leading whitespace.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool {
            mutating get {
                skipSpace()
                return index == bytes.count
            }
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func eat(_ c: Unicode.Scalar) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(c.value) else { return false }
            index += 1
            return true
        }

        /// A '...' or "..." string without escapes.
        mutating func quoted() -> String? {
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x27 || bytes[index] == 0x22 else { return nil }
            let quote = bytes[index]
            var end = index + 1
            while end < bytes.count, bytes[end] != quote {
                if bytes[end] == 0x5C { return nil }
                end += 1
            }
            guard end < bytes.count else { return nil }
            defer { index = end + 1 }
            return String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
        }

        /// A run of letters (True, False).
        mutating func word() -> String {
            skipSpace()
            let start = index
            while index < bytes.count, (0x41...0x5A).contains(bytes[index]) || (0x61...0x7A).contains(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// Decimal digits as a size; nil past 18 digits (no overflow) or without a digit.
        mutating func size() -> Int? {
            skipSpace()
            var value = 0
            var digits = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                guard digits < 18 else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
                digits += 1
                index += 1
            }
            return digits > 0 ? value : nil
        }

        /// `()`, `(n,)`, `(a, b)` or `(a, b,)`.
        mutating func sizeTuple() -> [Int]? {
            guard eat("(") else { return nil }
            var dims: [Int] = []
            var commas = 0
            while !eat(")") {
                guard let d = size() else { return nil }
                dims.append(d)
                if eat(",") {
                    commas += 1
                    continue
                }
                guard eat(")") else { return nil }
                break
            }
            return dims.count == 1 && commas == 0 ? nil : dims
        }
    }
}
