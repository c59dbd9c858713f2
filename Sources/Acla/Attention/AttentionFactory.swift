/// Builds the attention modules a config asks for, registering their parameters in `store`
/// after the backbone's (ATTENTION.md section 7: one generator, backbone first).
public enum AttentionFactory {
    public static func make(_ config: AttentionConfig, features: Int, layers: Int,
                            store: ParameterStore, rng: inout RandomGenerator) throws -> AttentionStack? {
        guard config.kind != .none else { return nil }
        try validate(config, features: features, layers: layers)
        return try AttentionModuleStack(config, features: features, layers: layers, store: store, rng: &rng)
    }

    /// The attention block against its backbone: positions inside 1...L, sorted and unique, K in
    /// range, "all" only for a searchable kind, enough channels. Errors name the key.
    public static func validate(_ config: AttentionConfig, features: Int, layers: Int, layerName: String = "layers") throws {
        func bad(_ key: String, _ why: String) -> AclaError {
            AclaError.invalidArgument("model config: \"attention.\(key)\" \(why)")
        }
        let name = config.kind.rawValue
        if config.usesKeys, !AttentionConfig.keyLimits.contains(config.keys) {
            throw bad("keys", "must be between \(AttentionConfig.keyLimits.lowerBound) and \(AttentionConfig.keyLimits.upperBound), got \(config.keys)")
        }
        switch config.positions {
        case .all:
            guard config.kind != .none else { throw bad("positions", "must be empty when attention.kind is \"none\", got \"all\"") }
            guard try AttentionKinds.kind(config.kind).searchable else {
                throw AclaError.unsupported("attention.positions \"all\" (the search supernet) needs kind \"cla\" or \"acla\", got \"\(name)\"")
            }
        case .list(let p):
            if config.kind == .none {
                guard p.isEmpty else { throw bad("positions", "must be empty when attention.kind is \"none\", got \(p)") }
                return
            }
            guard !p.isEmpty else { throw bad("positions", "must list at least one layer (or be \"all\") for kind \"\(name)\"") }
            for (i, j) in p.enumerated() {
                guard (1...max(layers, 1)).contains(j) else {
                    throw bad("positions", "entry \(j) is outside 1...\(layers) (L = \(layerName) = \(layers))")
                }
                guard i == 0 || p[i - 1] < j else { throw bad("positions", "must be sorted and unique, got \(p)") }
            }
        }
        guard config.kind != .none else { return }
        guard layers >= 1 else { throw AclaError.invalidArgument("attention needs a backbone with at least one layer, got \(layers)") }
        let minimum = try AttentionKinds.kind(config.kind).minimumChannels
        guard features >= minimum else {
            throw AclaError.invalidArgument("\(name) attention needs at least \(minimum) feature channels, got \(features)")
        }
    }

    /// Parameters the modules of `config` register (and `search.alpha`), computed from the config
    /// alone, so that `ModelConfig.validate` can refuse an absurd size before anything is
    /// allocated (a supernet's count grows with L^2 * K). Tests check it against built networks.
    public static func parameterCount(_ config: AttentionConfig, features c: Int, layers: Int) -> Int {
        guard config.kind != .none, layers >= 1, let kind = AttentionKinds.registry[config.kind] else { return 0 }
        let positions = config.resolvedPositions(layers: layers)
        var total = config.positions == .all ? layers : 0
        for i in positions.indices {
            total += kind.parameterCount(kind.readsEarlierLayers ? i + 1 : 1, c, config.keys)
        }
        return total
    }

    /// Channels of the widest map the modules allocate (per image and pixel): CLA/ACLA predict
    /// 2 * r * K offsets for their r sources, far more than the backbone's features for a deep
    /// supernet; NL/CLNL's attention matrix has its own limit.
    public static func widestMapChannels(_ config: AttentionConfig, features: Int, layers: Int) -> Int {
        guard config.kind != .none, let kind = AttentionKinds.registry[config.kind] else { return 0 }
        let r = kind.readsEarlierLayers ? config.resolvedPositions(layers: layers).count : 1
        return kind.widestMapChannels(r, features, config.keys)
    }
}
