/// Builds the attention modules a config asks for, registering their parameters in `store`
/// after the backbone's (ATTENTION.md section 7: one generator, backbone first).
public enum AttentionFactory {
    public static func make(_ config: AttentionConfig, features: Int, layers: Int,
                            store: ParameterStore, rng: inout RandomGenerator) throws -> AttentionStack? {
        switch config.kind {
        case .none:
            return nil
        default:
            throw AclaError.unsupported("attention kind \"\(config.kind.rawValue)\" is not built yet")
        }
    }
}
