/// Typed, strict access to one JSON object of trainer options: unknown keys, wrong types and
/// out-of-range values are invalid-argument errors naming the key by its full path.
struct OptionsReader {
    let object: JSONObject
    /// "" at the top level, "optimizer." inside the optimizer object, ...
    let prefix: String
    let what: String

    init(_ value: JSONValue, prefix: String = "", what: String = "trainer options", known: [String]) throws {
        guard case .object(let o) = value else {
            let name = prefix.isEmpty ? what : "\(what): \"\(prefix.dropLast())\""
            throw AclaError.invalidArgument("\(name) must be a JSON object, got \(value.typeDescription)")
        }
        for key in o.keys where !known.contains(key) {
            throw AclaError.invalidArgument("\(what): unknown key \"\(prefix)\(AclaError.excerpt(key))\" (known: \(known.joined(separator: ", ")))")
        }
        object = o
        self.prefix = prefix
        self.what = what
    }

    func fail(_ key: String, _ expected: String, _ got: JSONValue) -> AclaError {
        AclaError.invalidArgument("\(what): \"\(prefix)\(key)\" must be \(expected), got \(got.typeDescription)\(Self.show(got))")
    }

    static func show(_ v: JSONValue) -> String {
        switch v {
        case .integer(let i): return " (\(i))"
        case .number(let d): return " (\(d))"
        case .string(let s): return " (\"\(AclaError.excerpt(s))\")"
        case .bool(let b): return " (\(b))"
        default: return ""
        }
    }

    func present(_ key: String) -> Bool {
        if let v = object[key], v != .null { return true }
        return false
    }

    func string(_ key: String) throws -> String? {
        guard let v = object[key], v != .null else { return nil }
        guard case .string(let s) = v else { throw fail(key, "a string", v) }
        return s
    }

    func number(_ key: String, _ range: ClosedRange<Double>? = nil) throws -> Double? {
        guard let v = object[key], v != .null else { return nil }
        let d: Double
        switch v {
        case .integer(let i): d = Double(i)
        case .number(let n): d = n
        default: throw fail(key, "a number", v)
        }
        if let range, !range.contains(d) {
            throw AclaError.invalidArgument("\(what): \"\(prefix)\(key)\" must be within \(range.lowerBound)...\(range.upperBound), got \(d)")
        }
        return d
    }

    func integer(_ key: String, _ range: ClosedRange<Int64>) throws -> Int64? {
        guard let v = object[key], v != .null else { return nil }
        guard case .integer(let i) = v else { throw fail(key, "an integer", v) }
        guard range.contains(Int64(i)) else {
            throw AclaError.invalidArgument("\(what): \"\(prefix)\(key)\" must be within \(range.lowerBound)...\(range.upperBound), got \(i)")
        }
        return Int64(i)
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = object[key], v != .null else { return nil }
        guard case .bool(let b) = v else { throw fail(key, "true or false", v) }
        return b
    }

    func numbers(_ key: String, count: Int) throws -> [Double]? {
        guard let v = object[key], v != .null else { return nil }
        guard case .array(let items) = v, items.count == count else { throw fail(key, "an array of \(count) numbers", v) }
        return try items.map { item in
            switch item {
            case .integer(let i): return Double(i)
            case .number(let d): return d
            default: throw fail(key, "an array of \(count) numbers", v)
            }
        }
    }

    func integers(_ key: String) throws -> [Int64]? {
        guard let v = object[key], v != .null else { return nil }
        guard case .array(let items) = v else { throw fail(key, "an array of integers", v) }
        return try items.map { item in
            guard case .integer(let i) = item else { throw fail(key, "an array of integers", v) }
            return Int64(i)
        }
    }

    func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws -> E? where E.RawValue == String {
        guard let raw = try string(key) else { return nil }
        guard let e = E(rawValue: raw) else {
            let options = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw AclaError.invalidArgument("\(what): \"\(prefix)\(key)\" must be one of \(options), got \"\(AclaError.excerpt(raw))\"")
        }
        return e
    }

    func child(_ key: String, known: [String]) throws -> OptionsReader? {
        guard let v = object[key], v != .null else { return nil }
        return try OptionsReader(v, prefix: prefix + key + ".", what: what, known: known)
    }
}
