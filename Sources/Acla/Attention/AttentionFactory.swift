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
}
