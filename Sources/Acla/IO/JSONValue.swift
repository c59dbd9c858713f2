/// A parsed JSON value that keeps what strict validation needs and Foundation loses: integer
/// literals apart from fractional ones (`2` vs `2.0`), object key order, and duplicate keys
/// (rejected by the parser).
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// A literal without fraction or exponent that fits in Int.
    case integer(Int)
    /// Any other number (a fraction, an exponent, or an integer literal too large for Int).
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A short name of the value's type for error messages ("a string", "an integer", ...).
    public var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer: return "an integer"
        case .number: return "a fractional number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON object with its keys in document order (the parser guarantees they are unique).
public struct JSONObject: Equatable, Sendable {
    public private(set) var keys: [String] = []
    private var values: [String: JSONValue] = [:]

    public init() {}

    public init(_ pairs: [(String, JSONValue)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public subscript(key: String) -> JSONValue? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public var count: Int { keys.count }

    /// Key/value pairs in document order.
    public var entries: [(key: String, value: JSONValue)] {
        keys.compactMap { k in values[k].map { (k, $0) } }
    }
}
