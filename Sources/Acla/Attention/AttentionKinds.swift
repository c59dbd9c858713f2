/// The registry of attention kinds (BasicSR's ARCH_REGISTRY): what each kind reads, how many
/// parameters it has and how it is built. A new kind is one module file plus one line here (and
/// its name in `AttentionConfig.Kind`); nothing else switches on the kind.
enum AttentionKinds {
    /// Where a module sits and what it reads.
    struct Site {
        let position: Int
        let sourceLayers: [Int]
        let channels: Int
        let keys: Int
    }

    struct Kind {
        /// CLA, ACLA and CLNL read every earlier insert position; NL and SE only their own layer.
        let readsEarlierLayers: Bool
        /// The search supernet (positions "all") is built of this kind.
        let searchable: Bool
        let minimumChannels: Int
        let parameterCount: (_ sources: Int, _ channels: Int, _ keys: Int) -> Int
        /// Channels of the widest map one module allocates per image and pixel.
        let widestMapChannels: (_ sources: Int, _ channels: Int, _ keys: Int) -> Int
        let build: (Site, ParameterStore, inout RandomGenerator) throws -> AttentionModule
    }

    static let registry: [AttentionConfig.Kind: Kind] = [
        .cla: CrossLayerAttention.registration(gated: false),
        .acla: CrossLayerAttention.registration(gated: true),
        .nl: NonLocalAttention.registration(kind: .nl),
        .clnl: NonLocalAttention.registration(kind: .clnl),
        .se: SqueezeExcitation.registration,
    ]

    static func kind(_ k: AttentionConfig.Kind) throws -> Kind {
        guard let kind = registry[k] else { throw AclaError.invalidArgument("attention kind \"\(k.rawValue)\" builds no modules") }
        return kind
    }
}
