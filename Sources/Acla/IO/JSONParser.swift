/// A strict RFC 8259 JSON parser for configs and safetensors headers. Strict because both come
/// from outside: duplicate keys, trailing commas, comments, lone surrogates, control characters
/// in strings, non-finite numbers and nesting deeper than `maxDepth` are errors
/// (`ACLA_ERR_FORMAT`, with the byte offset), never traps.
public struct JSONParser {
    public static let maxDepth = 64

    private let bytes: [UInt8]
    private var pos = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses one JSON document; only whitespace may follow it.
    public static func parse(_ text: String) throws -> JSONValue {
        try parse(bytes: Array(text.utf8))
    }

    public static func parse(bytes: [UInt8]) throws -> JSONValue {
        var p = JSONParser(bytes)
        p.skipWhitespace()
        let value = try p.parseValue(depth: 0)
        p.skipWhitespace()
        guard p.pos == p.bytes.count else { throw p.error("unexpected text after the JSON value") }
        return value
    }

    /// The members of a top-level object, one at a time in document order, without building the
    /// object: a safetensors header of a million entries would take gigabytes as one tree. Each
    /// value is parsed (and checked) whole before `body` sees it; duplicate keys are the caller's
    /// to detect. Returns false, having checked the whole document, when it is valid JSON but not
    /// an object.
    static func forEachMember(ofObject bytes: [UInt8], _ body: (String, JSONValue) throws -> Void) throws -> Bool {
        var p = JSONParser(bytes)
        p.skipWhitespace()
        guard p.current == UInt8(ascii: "{") else {
            _ = try p.parseValue(depth: 0)
            p.skipWhitespace()
            guard p.pos == p.bytes.count else { throw p.error("unexpected text after the JSON value") }
            return false
        }
        p.pos += 1
        p.skipWhitespace()
        if p.current == UInt8(ascii: "}") {
            p.pos += 1
        } else {
            members: while true {
                p.skipWhitespace()
                guard p.current == UInt8(ascii: "\"") else { throw p.error("expected a string key") }
                let key = try p.parseString()
                p.skipWhitespace()
                guard p.current == UInt8(ascii: ":") else { throw p.error("expected ':' after key \"\(AclaError.excerpt(key))\"") }
                p.pos += 1
                p.skipWhitespace()
                try body(key, try p.parseValue(depth: 1))
                p.skipWhitespace()
                switch p.current {
                case UInt8(ascii: ","): p.pos += 1
                case UInt8(ascii: "}"): p.pos += 1; break members
                default: throw p.error("expected ',' or '}' in object")
                }
            }
        }
        p.skipWhitespace()
        guard p.pos == p.bytes.count else { throw p.error("unexpected text after the JSON value") }
        return true
    }

    private func error(_ what: String) -> AclaError {
        AclaError.format("malformed JSON at byte \(pos): \(what)")
    }

    private var current: UInt8? { pos < bytes.count ? bytes[pos] : nil }

    private mutating func skipWhitespace() {
        while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 }
    }

    private mutating func expect(_ literal: String, _ value: JSONValue) throws -> JSONValue {
        for b in literal.utf8 {
            guard current == b else { throw error("invalid literal (expected \"\(literal)\")") }
            pos += 1
        }
        return value
    }

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        guard depth < JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth) levels") }
        guard let c = current else { throw error("unexpected end of input") }
        switch c {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character '\(printable(c))'")
        }
    }

    private func printable(_ c: UInt8) -> String {
        (0x20..<0x7F).contains(c) ? String(UnicodeScalar(c)) : "\\x" + String(c, radix: 16)
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        pos += 1  // {
        var object = JSONObject()
        skipWhitespace()
        if current == UInt8(ascii: "}") { pos += 1; return .object(object) }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let keyStart = pos
            let key = try parseString()
            guard object[key] == nil else {
                pos = keyStart
                throw error("duplicate key \"\(AclaError.excerpt(key))\"")
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("expected ':' after key \"\(AclaError.excerpt(key))\"") }
            pos += 1
            skipWhitespace()
            object[key] = try parseValue(depth: depth + 1)
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): pos += 1
            case UInt8(ascii: "}"): pos += 1; return .object(object)
            default: throw error("expected ',' or '}' in object")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        pos += 1  // [
        var items: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { pos += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): pos += 1
            case UInt8(ascii: "]"): pos += 1; return .array(items)
            default: throw error("expected ',' or ']' in array")
            }
        }
    }

    private mutating func parseString() throws -> String {
        pos += 1  // opening quote
        var out: [UInt8] = []
        while true {
            guard let c = current else { throw error("unterminated string") }
            pos += 1
            switch c {
            case UInt8(ascii: "\""):
                guard let s = String(validating: out, as: UTF8.self) else { throw error("string is not valid UTF-8") }
                return s
            case UInt8(ascii: "\\"):
                try parseEscape(into: &out)
            case 0..<0x20:
                throw error("unescaped control character in string")
            default:
                out.append(c)
            }
        }
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws {
        guard let e = current else { throw error("unterminated escape") }
        pos += 1
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F,
            UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
            UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let s = simple[e] { out.append(s); return }
        guard e == UInt8(ascii: "u") else { throw error("invalid escape '\\\(printable(e))'") }
        var scalar = try parseHex4()
        if (0xD800..<0xDC00).contains(scalar) {
            guard current == UInt8(ascii: "\\"), pos + 1 < bytes.count, bytes[pos + 1] == UInt8(ascii: "u") else {
                throw error("unpaired surrogate in \\u escape")
            }
            pos += 2
            let low = try parseHex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in \\u escape") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(scalar) {
            throw error("unpaired surrogate in \\u escape")
        }
        guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
        out.append(contentsOf: Array(String(Character(u)).utf8))
    }

    private mutating func parseHex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let c = current, let d = hexDigit(c) else { throw error("invalid \\u escape") }
            v = v * 16 + d
            pos += 1
        }
        return v
    }

    private func hexDigit(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(c - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private func isDigit(_ c: UInt8?) -> Bool { c.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }

    private mutating func parseNumber() throws -> JSONValue {
        let start = pos
        if current == UInt8(ascii: "-") { pos += 1 }
        guard isDigit(current) else { throw error("invalid number") }
        if current == UInt8(ascii: "0") {
            pos += 1
            if isDigit(current) { throw error("leading zeros are not allowed in numbers") }
        } else {
            while isDigit(current) { pos += 1 }
        }
        var integral = true
        if current == UInt8(ascii: ".") {
            integral = false
            pos += 1
            guard isDigit(current) else { throw error("invalid number: digits must follow '.'") }
            while isDigit(current) { pos += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            integral = false
            pos += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { pos += 1 }
            guard isDigit(current) else { throw error("invalid number: digits must follow the exponent") }
            while isDigit(current) { pos += 1 }
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        if integral, let i = Int(text) { return .integer(i) }
        guard let d = Double(text), d.isFinite else {
            pos = start
            throw error("number \(AclaError.excerpt(text)) is out of range")
        }
        return .number(d)
    }
}
