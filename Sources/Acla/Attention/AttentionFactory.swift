/// Builds the attention modules a config asks for, registering their parameters in `store`
/// after the backbone's (ATTENTION.md section 7: one generator, backbone first).
public enum AttentionFactory {
    public static func make(_ config: AttentionConfig, features: Int, layers: Int,
                            store: ParameterStore, rng: inout RandomGenerator) throws -> AttentionStack? {
        guard config.kind != .none else { return nil }
        try validate(config, features: features, layers: layers)
        return try AttentionModuleStack(config, features: features, layers: layers, store: store, rng: &rng)
    }

    static func validate(_ config: AttentionConfig, features: Int, layers: Int) throws {
        let kind = config.kind.rawValue
        guard layers >= 1 else { throw AclaError.invalidArgument("attention needs a backbone with at least one layer, got \(layers)") }
        switch config.positions {
        case .all:
            guard config.kind == .cla || config.kind == .acla else {
                throw AclaError.unsupported("attention.positions \"all\" (the search supernet) needs kind \"cla\" or \"acla\", got \"\(kind)\"")
            }
        case .list(let p):
            for (i, j) in p.enumerated() {
                guard (1...layers).contains(j) else {
                    throw AclaError.invalidArgument("attention.positions: \(j) is outside 1...\(layers)")
                }
                guard i == 0 || p[i - 1] < j else {
                    throw AclaError.invalidArgument("attention.positions must be sorted and unique, got \(p)")
                }
            }
        }
        if config.kind == .cla || config.kind == .acla {
            let limits = ModelConfig.Limits.keys
            guard limits.contains(config.keys) else {
                throw AclaError.invalidArgument("attention.keys must be in \(limits.lowerBound)...\(limits.upperBound), got \(config.keys)")
            }
        }
        let minimum = config.kind == .nl || config.kind == .clnl ? 2 : 1
        guard features >= minimum else {
            throw AclaError.invalidArgument("\(kind) attention needs at least \(minimum) feature channels, got \(features)")
        }
    }

    /// Parameters the modules of `config` register (and `search.alpha`), computed from the config
    /// alone, so that `ModelConfig.validate` can refuse an absurd size before anything is
    /// allocated (a supernet's count grows with L^2 * K). Tests check it against built networks.
    public static func parameterCount(_ config: AttentionConfig, features c: Int, layers: Int) -> Int {
        guard config.kind != .none, layers >= 1 else { return 0 }
        let positions = config.resolvedPositions(layers: layers)
        var total = config.positions == .all ? layers : 0
        for i in positions.indices {
            let r = i + 1   // sources of the i-th module: the positions up to its own (CLA, CLNL)
            switch config.kind {
            case .cla, .acla:
                total += CrossLayerAttention.parameterCount(sources: r, channels: c, keys: config.keys, gated: config.kind == .acla)
            case .nl, .clnl:
                total += NonLocalAttention.parameterCount(channels: c)
            case .se:
                total += SqueezeExcitation.parameterCount(channels: c)
            case .none:
                break
            }
        }
        return total
    }

    /// Channels of the widest map the modules allocate (per image and pixel): CLA/ACLA predict
    /// 2 * r * K offsets for their r sources, far more than the backbone's features for a deep
    /// supernet; NL/CLNL's attention matrix has its own limit.
    public static func widestMapChannels(_ config: AttentionConfig, features: Int, layers: Int) -> Int {
        switch config.kind {
        case .cla, .acla:
            return 2 * config.keys * config.resolvedPositions(layers: layers).count
        case .nl, .clnl, .se:
            return features
        case .none:
            return 0
        }
    }
}
