/// One tensor of a safetensors file: byte offsets relative to the start of the data buffer.
public struct SafetensorsEntry: Equatable, Sendable {
    public let name: String
    public let dtype: SafetensorsDType
    public let shape: [Int]
    public let begin: Int
    public let end: Int

    public var elementCount: Int { shape.reduce(1, *) }  // validated not to overflow
}

/// The validated header of a safetensors file (CONVENTIONS.md section 5). Every rule is checked
/// here, before any tensor data is read: a file that passes has tensors tiling the data buffer
/// exactly, each with a byte length equal to its shape times its dtype size.
public struct SafetensorsHeader: Sendable {
    public static let maxHeaderBytes = 100_000_000
    /// Most tensors a header may list: far above any model's parameters (thousands in a deep
    /// search supernet), and what bounds the memory a 100 MB header of tiny entries can take.
    public static let maxEntries = 1_000_000

    /// Tensors in buffer order (by offset).
    public let entries: [SafetensorsEntry]
    public let metadata: [String: String]
    /// Position in `entries` of each name.
    private let index: [String: Int]

    /// Parses the JSON header bytes of a file whose data buffer is `bufferSize` bytes long. The
    /// header is streamed member by member (JSONParser.forEachMember): its memory is the bytes,
    /// the entries and their index, a small multiple of the header's size. More than `maxEntries`
    /// tensors is a format error.
    public init(bytes: [UInt8], bufferSize: Int, maxEntries: Int = SafetensorsHeader.maxEntries) throws {
        guard SafetensorsHeader.isValidUTF8(bytes) else {
            throw AclaError.format("header is not valid UTF-8")
        }
        var metadata: [String: String]?
        var entries: [SafetensorsEntry] = []
        let isObject = try JSONParser.forEachMember(ofObject: bytes) { name, value in
            if name == "__metadata__" {
                guard metadata == nil else { throw AclaError.format("malformed JSON: duplicate key \"__metadata__\"") }
                metadata = try SafetensorsHeader.parseMetadata(value)
            } else {
                guard entries.count < maxEntries else {
                    throw AclaError.format("header lists more than \(maxEntries) tensors")
                }
                entries.append(try SafetensorsHeader.parseEntry(name, value, bufferSize: bufferSize))
            }
        }
        guard isObject else { throw AclaError.format("header is not a JSON object") }
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var index: [String: Int] = [:]
        index.reserveCapacity(entries.count)
        var cursor = 0
        var previous: String?
        for (i, e) in entries.enumerated() {
            if index.updateValue(i, forKey: e.name) != nil {
                throw AclaError.format("malformed JSON: duplicate key \"\(AclaError.excerpt(e.name))\"")
            }
            if e.begin < cursor {
                throw AclaError.format("tensors \"\(previous ?? "")\" and \"\(e.name)\" overlap (\"\(e.name)\" begins at byte \(e.begin), before \(cursor))")
            }
            if e.begin > cursor {
                throw AclaError.format("hole in the data buffer: bytes \(cursor)..<\(e.begin) before tensor \"\(e.name)\" belong to no tensor")
            }
            cursor = e.end
            previous = e.name
        }
        guard cursor == bufferSize else {
            throw AclaError.format("data buffer is \(bufferSize) bytes but the tensors cover \(cursor): \(bufferSize - cursor) trailing bytes belong to no tensor")
        }
        self.entries = entries
        self.metadata = metadata ?? [:]
        self.index = index
    }

    public func entry(named name: String) -> SafetensorsEntry? {
        index[name].map { entries[$0] }
    }

    /// UTF-8 validation without a copy of the (up to 100 MB) header.
    private static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    private static func parseMetadata(_ value: JSONValue) throws -> [String: String] {
        guard case .object(let o) = value else {
            throw AclaError.format("__metadata__ must be an object of strings, got \(value.typeDescription)")
        }
        var out: [String: String] = [:]
        for (k, v) in o.entries {
            guard case .string(let s) = v else {
                throw AclaError.format("__metadata__ value \"\(k)\" must be a string, got \(v.typeDescription)")
            }
            out[k] = s
        }
        return out
    }

    private static func parseEntry(_ name: String, _ value: JSONValue, bufferSize: Int) throws -> SafetensorsEntry {
        func bad(_ why: String) -> AclaError { AclaError.format("tensor \"\(name)\": \(why)") }
        guard case .object(let o) = value else { throw bad("entry must be an object, got \(value.typeDescription)") }
        for key in o.keys where !["dtype", "shape", "data_offsets"].contains(key) {
            throw bad("unknown field \"\(key)\"")
        }
        guard case .string(let dtypeName)? = o["dtype"] else { throw bad("missing or non-string \"dtype\"") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else { throw bad("unknown dtype \"\(dtypeName)\"") }
        guard case .array(let shapeValues)? = o["shape"] else { throw bad("missing or non-array \"shape\"") }
        var shape: [Int] = []
        for v in shapeValues {
            guard case .integer(let d) = v, d >= 0 else { throw bad("shape entries must be non-negative integers, got \(JSONWriter.string(.array(shapeValues)))") }
            shape.append(d)
        }
        guard case .array(let offsets)? = o["data_offsets"], offsets.count == 2,
              case .integer(let begin) = offsets[0], case .integer(let end) = offsets[1], begin >= 0, end >= begin else {
            throw bad("\"data_offsets\" must be [begin, end] with 0 <= begin <= end")
        }
        var bytes = dtype.byteSize
        for d in shape {
            let (p, overflow) = bytes.multipliedReportingOverflow(by: d)
            guard !overflow else { throw bad("byte size of shape \(shape) (\(dtypeName)) overflows") }
            bytes = p
        }
        guard end <= bufferSize else {
            throw bad("data_offsets [\(begin), \(end)] extend beyond the \(bufferSize)-byte data buffer (file truncated?)")
        }
        guard end - begin == bytes else {
            throw bad("data_offsets [\(begin), \(end)] hold \(end - begin) bytes but shape \(shape) of \(dtypeName) needs \(bytes)")
        }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }
}
