/// SE (Hu et al. 2018, as RCAN's channel attention; ATTENTION.md section 6): global average pool,
/// 1x1 conv C -> C/16, ReLU, 1x1 conv C/16 -> C, sigmoid, and z = x * s (no residual).
/// C/16 is rounded down but kept at least 1, so narrow test models still have a squeeze.
final class SqueezeExcitation: AttentionModule {
    let position: Int
    let channels: Int
    let squeeze: Conv2dLayer
    let excite: Conv2dLayer
    static let reduction = 16

    var sourceLayers: [Int] { [position] }

    init(position: Int, channels c: Int, store: ParameterStore, rng: inout RandomGenerator) throws {
        let name = "attention.\(position)"
        let inner = max(1, c / Self.reduction)
        self.position = position
        channels = c
        squeeze = try Conv2dLayer(name + ".squeeze", in: c, out: inner, kernel: 1, store: store, rng: &rng)
        excite = try Conv2dLayer(name + ".excite", in: inner, out: c, kernel: 1, store: store, rng: &rng)
    }

    static let registration = AttentionKinds.Kind(
        readsEarlierLayers: false, searchable: false, minimumChannels: 1,
        parameterCount: { _, c, _ in parameterCount(channels: c) },
        widestMapChannels: { _, c, _ in c },
        build: { site, store, rng in try SqueezeExcitation(position: site.position, channels: site.channels, store: store, rng: &rng) })

    var blankStatistics: AttentionModuleStatistics {
        AttentionModuleStatistics(position: position, kind: .se, sourceLayers: [position], keys: 0)
    }

    /// What `init` registers: squeeze (C -> max(1, C/16)) and excite (back to C), with biases.
    static func parameterCount(channels c: Int) -> Int {
        let inner = max(1, c / reduction)
        return inner * (c + 1) + c * (inner + 1)
    }

    func forward(_ x: Variable, sources: [Variable], pass: ForwardPass,
                 record: inout AttentionModuleStatistics) throws -> Variable {
        try requireFeatures(x, channels: channels, "attention input at layer \(position)")
        let s = try sigmoid(try excite(relu(try squeeze(globalAveragePool(x)))))
        record.hasRun = true
        (record.height, record.width, record.batch) = (x.shape[2], x.shape[3], x.shape[0])
        record.denseMACs = try macs(height: x.shape[2], width: x.shape[3])
        record.openKeyFraction = 1
        record.measuredMACs = record.denseMACs
        return try channelScale(x, s)
    }

    /// The two 1x1 convs on the pooled vector: C*C/16 each (section 6: C^2/8).
    func macs(height: Int, width: Int) throws -> UInt64 {
        try MacCount.product(2, channels, squeeze.outChannels)
    }
}
