/// A model description: the JSON of C-API.md section 2, validated. Create one from JSON with
/// `ModelConfig.parse`, or in Swift with the initialiser followed by `validate()`; `json` is the
/// canonical serialisation (checkpoints store it, `acla_model_config` returns it).
public struct ModelConfig: Equatable, Sendable {
    // Backbone: BackboneRegistry.swift
    public enum Task: String, CaseIterable, Sendable { case sr, denoise, demosaic, jpeg }

    public var backbone: Backbone
    public var task: Task
    /// 2, 3 or 4 for super-resolution, 1 for the same-resolution tasks.
    public var scale: Int
    /// Image channels in and out.
    public var channels: Int
    /// EDSR residual blocks, or RCAN blocks per group.
    public var blocks: Int
    /// RCAN residual groups (not used by EDSR).
    public var groups: Int
    public var features: Int
    /// EDSR block scaling (RCAN's blocks are unscaled: must be 1).
    public var resScale: Double
    /// RCAN channel-attention reduction (not used by EDSR).
    public var reduction: Int
    public var attention: AttentionConfig
    public var seed: UInt64

    /// Upper bounds that keep an absurd config from allocating terabytes; generous for the field's
    /// models (EDSR full is 32 x 256, RCAN 10 x 20 x 64).
    public enum Limits {
        public static let blocks = 1...256
        public static let groups = 1...64
        public static let features = 1...1024
        public static let keys = AttentionConfig.keyLimits
        public static let reduction = 1...1024
        public static let resScale = 0.0...10.0   // exclusive of 0, checked separately
        /// Total parameters, backbone and attention (4 GiB of float32).
        public static let parameters = 1 << 30
    }

    /// A config with the documented defaults filled in for what is nil; call `validate()`.
    public init(backbone: Backbone = .edsr, task: Task = .sr, scale: Int? = nil, channels: Int? = nil,
                blocks: Int? = nil, groups: Int? = nil, features: Int? = nil, resScale: Double? = nil,
                reduction: Int? = nil, attention: AttentionConfig = .none, seed: UInt64 = 0) {
        self.backbone = backbone
        self.task = task
        self.scale = scale ?? (task == .sr ? 2 : 1)
        self.channels = channels ?? (task == .jpeg ? 1 : 3)
        self.blocks = blocks ?? backbone.definition.defaultBlocks
        self.groups = groups ?? 10
        self.features = features ?? 64
        self.resScale = resScale ?? 1
        self.reduction = reduction ?? 16
        self.attention = attention
        self.seed = seed
    }

    /// Configs are equal when they describe the same network, i.e. by their canonical JSON: keys
    /// the backbone ignores (EDSR's groups and reduction, RCAN's res_scale) do not count. (Found
    /// by fuzz-config: an EDSR config with "reduction": 5 differed from its own canonical form,
    /// so resuming its training checkpoint was refused as "made for another model".)
    public static func == (a: ModelConfig, b: ModelConfig) -> Bool { a.jsonValue == b.jsonValue }

    /// Super-resolution (upsampler, MeanShift) versus a same-resolution task (image residual).
    public var isSuperResolution: Bool { task == .sr }

    /// L: the layers attention can follow (EDSR residual blocks, RCAN residual groups).
    public var layers: Int { backbone.definition.layers(self) }

    /// Output channels, height and width for an input of height x width.
    public func outputSize(height: Int, width: Int) throws -> (channels: Int, height: Int, width: Int) {
        let (oh, o1) = height.multipliedReportingOverflow(by: scale)
        let (ow, o2) = width.multipliedReportingOverflow(by: scale)
        guard !o1, !o2, oh <= Int(Int32.max), ow <= Int(Int32.max) else {
            throw AclaError.invalidArgument("output size of a \(height)x\(width) input at scale \(scale) overflows")
        }
        return (channels, oh, ow)
    }

    /// Checks every value against its range and the combinations between them; errors name the key.
    public func validate() throws {
        func bad(_ key: String, _ why: String) -> AclaError { AclaError.invalidArgument("model config: \"\(key)\" \(why)") }
        func range(_ key: String, _ v: Int, _ r: ClosedRange<Int>) throws {
            guard r.contains(v) else { throw bad(key, "must be between \(r.lowerBound) and \(r.upperBound), got \(v)") }
        }
        switch task {
        case .sr:
            guard [2, 3, 4].contains(scale) else { throw bad("scale", "must be 2, 3 or 4 for task sr, got \(scale)") }
            guard channels == 3 else {
                throw bad("channels", "must be 3 for task sr (MeanShift is RGB; super-resolve grayscale as RGB and take Y), got \(channels)")
            }
        case .denoise, .jpeg:
            guard scale == 1 else { throw bad("scale", "must be 1 for task \(task.rawValue), got \(scale)") }
            guard channels == 1 || channels == 3 else { throw bad("channels", "must be 1 or 3, got \(channels)") }
        case .demosaic:
            guard scale == 1 else { throw bad("scale", "must be 1 for task demosaic, got \(scale)") }
            guard channels == 3 else { throw bad("channels", "must be 3 for task demosaic (a 3-channel mosaic), got \(channels)") }
        }
        try range("blocks", blocks, Limits.blocks)
        try range("groups", groups, Limits.groups)
        try range("features", features, Limits.features)
        try range("reduction", reduction, Limits.reduction)
        guard resScale.isFinite, resScale > 0, resScale <= Limits.resScale.upperBound else {
            throw bad("res_scale", "must be greater than 0 and at most \(Limits.resScale.upperBound), got \(resScale)")
        }
        try backbone.definition.validate(self)
        guard seed <= UInt64(Int64.max) else { throw bad("seed", "must be between 0 and \(Int64.max), got \(seed)") }
        try validateAttention()
        // attention counts too: a search supernet's modules grow with L^2 * K (values are bounded
        // by the limits above, so these sums cannot overflow)
        let backbone = BackboneLayout(config: self).parameterCount
        let attentionCount = AttentionFactory.parameterCount(attention, features: features, layers: layers)
        let count = backbone + attentionCount
        guard count <= Limits.parameters else {
            throw AclaError.outOfMemory("model config describes \(count) parameters (backbone \(backbone), attention \(attentionCount)), over the limit of \(Limits.parameters)")
        }
    }

    private func validateAttention() throws {
        try AttentionFactory.validate(attention, features: features, layers: layers,
                                      layerName: backbone.definition.layerKey)
    }
}
