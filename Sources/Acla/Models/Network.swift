/// A restoration network: an EDSR or RCAN backbone (super-resolution with MeanShift and
/// upsampler, or the same-resolution variant with an image residual) and, optionally, attention
/// modules after body layers (ATTENTION.md section 2).
///
/// Forward: `x = sub_mean(x); h = head(x); r = body(h) + h; y = tail(r); y = add_mean(y)`, or for
/// the same-resolution tasks `y = x + tail(body(head(x)) + head(x))`. The stack's `begin` runs at
/// the start of every forward pass and `apply(afterLayer: j)` after each body layer j = 1...L.
public final class Network {
    public let config: ModelConfig
    public let layout: BackboneLayout
    /// Every parameter by checkpoint name, backbone first (registry order), then attention.
    public let parameters: ParameterStore
    public let attention: AttentionStack?

    let subMean: Conv2dLayer?
    let addMean: Conv2dLayer?
    let head: Conv2dLayer
    let body: [BodyLayer]
    let bodyConv: Conv2dLayer
    let upsampler: Upsampler?
    let tail: Conv2dLayer

    /// Largest feature map a forward pass may allocate, in floats (8 GiB); larger inputs must be
    /// restored in tiles.
    public static let maxFeatureMapElements = 1 << 31

    /// Builds the attention stack of a config after the backbone's parameters are registered
    /// (AttentionFactory.make's signature).
    public typealias AttentionBuilder = (_ config: AttentionConfig, _ features: Int, _ layers: Int,
                                         _ store: ParameterStore, _ rng: inout RandomGenerator) throws -> AttentionStack?

    /// Builds the network and initialises it from `config.seed`: the backbone's parameters in
    /// registry order, then the attention modules' (AttentionFactory), from one generator.
    public convenience init(config: ModelConfig) throws {
        try self.init(config: config) { a, f, l, store, rng in
            try AttentionFactory.make(a, features: f, layers: l, store: store, rng: &rng)
        }
    }

    /// The same with another attention builder (tests, experiments).
    public init(config: ModelConfig, attentionBuilder: AttentionBuilder) throws {
        try config.validate()
        self.config = config
        layout = BackboneLayout(config: config)
        // Each parameter lives three times while the model is built (its layer's tensor, then the
        // arena's value and gradient): refuse what the memory limit or the address space cannot
        // hold before the first allocation, not half-way through.
        let backboneParameters = layout.convolutions.reduce(0) { $0 + $1.parameterCount }
        try MemoryLimit.check(backboneParameters * 3 * MemoryLayout<Float>.size,
                              "creating this model (\(backboneParameters) backbone parameters)")
        let store = ParameterStore()
        var rng = RandomGenerator(seed: config.seed)
        var convs: [String: Conv2dLayer] = [:]
        for spec in layout.convolutions {
            switch spec.initialization {
            case .pytorchDefault:
                convs[spec.name] = try Conv2dLayer(spec.name, in: spec.inChannels, out: spec.outChannels,
                                                   kernel: spec.kernel, store: store, rng: &rng)
            case .meanShift(let sign):
                let v = MeanShift.initialValues(sign: sign)
                convs[spec.name] = try Conv2dLayer(spec.name, weight: v.weight, bias: v.bias, store: store)
            }
        }
        func conv(_ name: String) throws -> Conv2dLayer {
            guard let c = convs[name] else { throw AclaError.internal("backbone layout has no convolution \(name)") }
            return c
        }
        subMean = config.isSuperResolution ? try conv("sub_mean") : nil
        addMean = config.isSuperResolution ? try conv("add_mean") : nil
        head = try conv("head.0")
        let definition = config.backbone.definition
        body = try definition.makeBody(config, convolution: conv)
        bodyConv = try conv(definition.bodyConvolutionName(config))
        if config.isSuperResolution {
            upsampler = Upsampler(stages: try BackboneLayout.upsamplerStages(scale: config.scale).enumerated().map { i, s in
                (try conv("tail.0.\(2 * i)"), s.factor)
            })
            tail = try conv("tail.1")
        } else {
            upsampler = nil
            tail = try conv("tail.0")
        }
        parameters = store
        attention = try attentionBuilder(config.attention, config.features, config.layers, store, &rng)
        try store.seal()
    }

    public var parameterCount: Int { parameters.parameterCount }

    /// Convolution MACs of the backbone plus the attention modules' dense upper bound on the body's
    /// feature map (the input size: the body runs before the upsampler).
    public func macs(height: Int, width: Int) throws -> UInt64 {
        try requireImageSize(height: height, width: width)
        var total = try layout.macs(height: height, width: width)
        if let attention { total = try MacCount.sum(total, attention.macs(height: height, width: width)) }
        return total
    }

    public func outputSize(height: Int, width: Int) throws -> (channels: Int, height: Int, width: Int) {
        try requireImageSize(height: height, width: width)
        return try config.outputSize(height: height, width: width)
    }

    private func requireImageSize(height: Int, width: Int) throws {
        guard height >= 1, width >= 1 else {
            throw AclaError.invalidArgument("image size must be positive, got \(height)x\(width)")
        }
    }

    /// Checks an NCHW input against the model before any work: rank, channels, positive sizes,
    /// and that no feature map of the pass exceeds `maxFeatureMapElements`.
    public func validateInput(shape: [Int]) throws {
        guard shape.count == 4 else { throw AclaError.shape("model input must be NCHW (rank 4), got shape \(shape)") }
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        guard n >= 1, c >= 1, h >= 1, w >= 1 else {
            throw AclaError.invalidArgument("model input dimensions must be positive, got shape \(shape)")
        }
        guard c == config.channels else {
            // an HWC image reshaped to NCHW as [1, H, W, C] puts the channels last
            let channelsLast = w == config.channels
                ? "; the shape looks like NHWC (channels last): transpose it to NCHW ([\(n), \(w), \(c), \(h)])" : ""
            throw AclaError.shape("model expects \(config.channels) input channels, got \(c) (shape \(shape))\(channelsLast)")
        }
        // the widest map: the upsampler's conv output (scale^2 * F channels at the input size or
        // larger), F channels for the same-resolution tasks, or attention's offset maps
        // (2 r K channels, thousands in a deep search supernet)
        let widest = max(config.features * config.scale * config.scale,
                         AttentionFactory.widestMapChannels(config.attention, features: config.features, layers: config.layers))
        _ = try CheckedSize.product([n, widest, h, w], limit: Network.maxFeatureMapElements,
                                    what: "feature map for input \(shape)")
    }

    /// The forward pass on the tape (recorded when GradMode is on and parameters want gradients).
    /// The network is only read: everything the call produces goes into `pass`, so several passes
    /// may run on one network from several threads at once.
    /// `destination`, when given, receives the output in place (exactly its size; inference
    /// callers such as the C API pass their own buffer, so no copy follows the pass).
    public func forward(_ input: Variable, pass: ForwardPass,
                        into destination: UnsafeMutableBufferPointer<Float>? = nil) throws -> Variable {
        try validateInput(shape: input.shape)
        // the whole pass's memory, before its first allocation (docs/RELIABILITY.md, "Limits")
        let training = GradMode.isEnabled
        try MemoryLimit.check(WorkingSet.forwardBytes(self, batch: input.shape[0], height: input.shape[2],
                                                      width: input.shape[3], training: training),
                              "a \(training ? "training" : "forward") pass on input \(input.shape)")
        // a stage's wall time goes to pass.profile when one is set (timestamps, not closures:
        // a closure would keep its captured maps alive longer and raise the pass's peak memory)
        let profile = pass.profile
        let profiled = profile == nil || attention == nil ? [] : Set(config.attention.resolvedPositions(layers: config.layers))
        var mark = LayerProfile.now()
        func lap(_ name: @autoclosure () -> String) {
            guard let profile else { return }
            let t = LayerProfile.now()
            profile.add(name(), t - mark)
            mark = t
        }
        return try Workspace.using(pass.workspace ?? Workspace.current) {
            var x = input
            if let subMean { x = try subMean(x) }
            let features = try head(x)
            lap("head")
            try attention?.begin(pass: pass)
            var r = features
            for (i, layer) in body.enumerated() {
                try pass.checkCancelled()
                r = try layer(r)
                lap("body.\(i)")
                if let attention {
                    r = try attention.apply(afterLayer: i + 1, r, pass: pass)
                    if profiled.contains(i + 1) { lap("attention.\(i + 1)") }
                }
            }
            try pass.checkCancelled()
            r = try add(bodyConv(r), features)
            lap("body conv")
            var y = r
            if let upsampler {
                y = try upsampler(y)
                lap("upsampler")
            }
            let output: Variable
            if let addMean {
                output = try addMean(tail(y), into: destination)
            } else {  // same-resolution tasks: the image residual, fused into the tail's epilogue
                output = try tail(y, epilogue: .residual(input, scale: 1), into: destination)
            }
            lap("tail")
            attention?.finish(pass: pass)
            return output
        }
    }

    /// Inference: evaluation mode unless `pass` says otherwise, no tape, raw float output (unclamped).
    public func forward(_ input: Tensor, pass: ForwardPass = ForwardPass(),
                        into destination: UnsafeMutableBufferPointer<Float>? = nil) throws -> Tensor {
        try GradMode.withoutGradients { try forward(Variable(input), pass: pass, into: destination).value }
    }
}
