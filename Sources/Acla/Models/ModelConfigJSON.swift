/// Strict JSON reading and canonical writing of `ModelConfig` (C-API.md section 2).
/// Malformed JSON is `ACLA_ERR_FORMAT`; an unknown key, a value of the wrong type (a boolean for a
/// number, a fraction for an integer) or out of range is `ACLA_ERR_INVALID_ARGUMENT` naming the key.
extension ModelConfig {
    static let knownKeys = ["backbone", "task", "scale", "channels", "blocks", "groups", "features",
                            "res_scale", "reduction", "attention", "seed"]
    static let knownAttentionKeys = ["kind", "positions", "keys"]

    /// Parses and validates a config.
    public static func parse(_ json: String) throws -> ModelConfig {
        try parse(value: JSONParser.parse(json))
    }

    public static func parse(value: JSONValue) throws -> ModelConfig {
        guard case .object(let o) = value else {
            throw AclaError.invalidArgument("model config must be a JSON object, got \(value.typeDescription)")
        }
        for key in o.keys where !knownKeys.contains(key) {
            throw AclaError.invalidArgument("model config: unknown key \"\(AclaError.excerpt(key))\" (known: \(knownKeys.joined(separator: ", ")))")
        }
        let reader = ConfigReader(object: o, prefix: "")
        guard let backboneName = try reader.string("backbone") else {
            throw AclaError.invalidArgument("model config: \"backbone\" is required (\(BackboneRegistry.names.map { "\"\($0)\"" }.joined(separator: " or ")))")
        }
        let backbone = try reader.backbone(backboneName)
        let task = try reader.string("task").map { try reader.enumeration("task", $0, Task.self) } ?? .sr
        let scale = try reader.integer("scale")
        if task == .sr, scale == nil {
            throw AclaError.invalidArgument("model config: \"scale\" is required for task sr (2, 3 or 4)")
        }
        let seed = try reader.integer("seed") ?? 0
        guard seed >= 0 else { throw AclaError.invalidArgument("model config: \"seed\" must be non-negative, got \(seed)") }
        var config = ModelConfig(
            backbone: backbone, task: task, scale: scale, channels: try reader.integer("channels"),
            blocks: try reader.integer("blocks"), groups: try reader.integer("groups"),
            features: try reader.integer("features"), resScale: try reader.double("res_scale"),
            reduction: try reader.integer("reduction"), seed: UInt64(seed))
        if let a = o["attention"] { config.attention = try parseAttention(a) }
        try config.validate()
        return config
    }

    private static func parseAttention(_ value: JSONValue) throws -> AttentionConfig {
        guard case .object(let o) = value else {
            throw AclaError.invalidArgument("model config: \"attention\" must be an object, got \(value.typeDescription)")
        }
        for key in o.keys where !knownAttentionKeys.contains(key) {
            throw AclaError.invalidArgument(
                "model config: unknown key \"attention.\(AclaError.excerpt(key))\" (known: \(knownAttentionKeys.joined(separator: ", ")))")
        }
        let reader = ConfigReader(object: o, prefix: "attention.")
        let kind = try reader.string("kind").map { try reader.enumeration("kind", $0, AttentionConfig.Kind.self) } ?? .none
        var positions = AttentionConfig.Positions.list([])
        switch o["positions"] {
        case nil: break
        case .string("all")?: positions = .all
        case .array(let items)?:
            positions = .list(try items.enumerated().map { i, item in
                guard case .integer(let p) = item else {
                    throw AclaError.invalidArgument(
                        "model config: \"attention.positions\" entry \(i) must be an integer, got \(item.typeDescription)")
                }
                return p
            })
        case let other?:
            throw AclaError.invalidArgument(
                "model config: \"attention.positions\" must be a list of layers or \"all\", got \(describe(other))")
        }
        let keys = try reader.integer("keys")
        if keys != nil, kind != .cla, kind != .acla {
            throw AclaError.invalidArgument("model config: \"attention.keys\" applies to kinds cla and acla only, not \"\(kind.rawValue)\"")
        }
        return AttentionConfig(kind: kind, positions: positions, keys: keys)
    }

    static func describe(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return "\"\(AclaError.excerpt(s))\""
        case .integer(let i): return String(i)
        case .number(let d): return "\(d)"
        case .bool(let b): return b ? "true" : "false"
        default: return v.typeDescription
        }
    }

    /// The canonical JSON: fixed key order, defaults written out, keys that do not apply to the
    /// backbone (EDSR's groups/reduction, RCAN's res_scale) left out.
    public var json: String { JSONWriter.string(jsonValue) }

    public var jsonValue: JSONValue {
        var o = JSONObject()
        o["backbone"] = .string(backbone.rawValue)
        o["task"] = .string(task.rawValue)
        o["scale"] = .integer(scale)
        o["channels"] = .integer(channels)
        backbone.definition.writeBodyKeys(self, into: &o)
        var a = JSONObject()
        a["kind"] = .string(attention.kind.rawValue)
        if attention.kind != .none {
            switch attention.positions {
            case .all: a["positions"] = .string("all")
            case .list(let p): a["positions"] = .array(p.map { .integer($0) })
            }
            if attention.kind == .cla || attention.kind == .acla { a["keys"] = .integer(attention.keys) }
        }
        o["attention"] = .object(a)
        o["seed"] = .integer(Int(clamping: seed))
        return .object(o)
    }
}

/// Typed access to one JSON object's values with key-naming errors.
private struct ConfigReader {
    let object: JSONObject
    let prefix: String

    func fail(_ key: String, _ expected: String, _ got: JSONValue) -> AclaError {
        AclaError.invalidArgument("model config: \"\(prefix)\(key)\" must be \(expected), got \(got.typeDescription) (\(ModelConfig.describe(got)))")
    }

    func string(_ key: String) throws -> String? {
        guard let v = object[key] else { return nil }
        guard case .string(let s) = v else { throw fail(key, "a string", v) }
        return s
    }

    func integer(_ key: String) throws -> Int? {
        guard let v = object[key] else { return nil }
        guard case .integer(let i) = v else {
            if case .number(let d) = v, d == d.rounded(), abs(d) >= 9.2e18 {
                throw AclaError.invalidArgument("model config: \"\(prefix)\(key)\" is out of range: \(d)")
            }
            throw fail(key, "an integer", v)
        }
        return i
    }

    /// Integers are accepted where a real number is expected (`"res_scale": 1`).
    func double(_ key: String) throws -> Double? {
        guard let v = object[key] else { return nil }
        switch v {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: throw fail(key, "a number", v)
        }
    }

    func backbone(_ raw: String) throws -> ModelConfig.Backbone {
        guard let b = ModelConfig.Backbone(rawValue: raw) else {
            let options = BackboneRegistry.names.map { "\"\($0)\"" }.joined(separator: ", ")
            throw AclaError.invalidArgument("model config: \"\(prefix)backbone\" must be one of \(options), got \"\(AclaError.excerpt(raw))\"")
        }
        return b
    }

    func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _ raw: String, _: E.Type) throws -> E
    where E.RawValue == String {
        guard let e = E(rawValue: raw) else {
            let options = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw AclaError.invalidArgument("model config: \"\(prefix)\(key)\" must be one of \(options), got \"\(AclaError.excerpt(raw))\"")
        }
        return e
    }
}
