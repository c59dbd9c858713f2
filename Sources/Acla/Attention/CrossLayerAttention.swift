import AclaKernels
import Glibc

/// CLA (ATTENTION.md section 3) and, with `gated`, ACLA (section 4): each query pixel samples K
/// keys from every source map at offsets it predicts, weights them by one softmax of logits it
/// predicts, and adds the projected sum to itself.
final class CrossLayerAttention: AttentionModule {
    let position: Int
    let sourceLayers: [Int]
    let channels: Int
    let keys: Int
    let offset: Conv2dLayer
    let logits: Conv2dLayer
    let value: Conv2dLayer
    let out: Conv2dLayer
    let gate: Conv2dLayer?
    /// In a search supernet the key gates of each pass are kept in the pass for the cost.
    var keepsMask = false

    /// Registers `attention.{position}.offset|logits|value|out|gate` in that order; only `value`
    /// draws from the generator (PyTorch's default init), the rest are fixed (section 3 tables).
    init(position: Int, sourceLayers: [Int], channels c: Int, keys k: Int, gated: Bool,
         store: ParameterStore, rng: inout RandomGenerator) throws {
        let r = sourceLayers.count
        let name = "attention.\(position)"
        self.position = position
        self.sourceLayers = sourceLayers
        self.channels = c
        self.keys = k
        offset = try Conv2dLayer(name + ".offset", weight: Tensor(checkedZeros: [2 * k * r, c, 1, 1]),
                                 bias: RingPattern.offsetBias(sources: r, keys: k), store: store)
        logits = try Conv2dLayer(name + ".logits", weight: Tensor(checkedZeros: [k * r, c, 1, 1]),
                                 bias: Tensor(checkedZeros: [k * r]), store: store)
        value = try Conv2dLayer(name + ".value", in: c, out: c, kernel: 1, store: store, rng: &rng)
        out = try Conv2dLayer(name + ".out", weight: Tensor(checkedZeros: [c, c, 1, 1]), bias: Tensor(checkedZeros: [c]), store: store)
        gate = gated ? try Conv2dLayer(name + ".gate", weight: Tensor(checkedZeros: [1, c, 1, 1]),
                                       bias: Tensor(shape: [1], repeating: 3), store: store) : nil
    }

    static func registration(gated: Bool) -> AttentionKinds.Kind {
        AttentionKinds.Kind(
            readsEarlierLayers: true, searchable: true, minimumChannels: 1,
            parameterCount: { r, c, k in parameterCount(sources: r, channels: c, keys: k, gated: gated) },
            widestMapChannels: { r, _, k in 2 * k * r },
            build: { site, store, rng in
                try CrossLayerAttention(position: site.position, sourceLayers: site.sourceLayers, channels: site.channels,
                                        keys: site.keys, gated: gated, store: store, rng: &rng)
            })
    }

    var blankStatistics: AttentionModuleStatistics {
        AttentionModuleStatistics(position: position, kind: gated ? .acla : .cla, sourceLayers: sourceLayers, keys: keys)
    }

    func cost(height: Int, width: Int) -> CrossLayerCost {
        CrossLayerCost(pixels: height * width, channels: channels, keys: keys, gated: gated)
    }

    var gated: Bool { gate != nil }

    /// What `init` registers: offset (2rK rows) and logit (rK rows) 1x1 convs, value and out
    /// (C x C), and the gate (1 row) for ACLA, each with a bias.
    static func parameterCount(sources r: Int, channels c: Int, keys k: Int, gated: Bool) -> Int {
        3 * k * r * (c + 1) + 2 * c * (c + 1) + (gated ? c + 1 : 0)
    }

    func forward(_ x: Variable, sources: [Variable], pass: ForwardPass,
                 record: inout AttentionModuleStatistics) throws -> Variable {
        try requireFeatures(x, channels: channels, "attention input at layer \(position)")
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let r = sourceLayers.count
        let evaluation = pass.mode == .evaluation
        let layerGates = pass.layerGates
        // At evaluation a layer gate is exactly 0 or 1: a module or source switched off is skipped.
        let isOn = { (layer: Int) -> Bool in !evaluation || (layerGates?.value.data[layer - 1] ?? 1) != 0 }
        (record.height, record.width, record.batch) = (h, w, n)
        record.denseMACs = try macs(height: h, width: w)
        record.hasRun = true
        guard isOn(position) else { return x }   // skipped: nothing open, nothing measured
        let active = sourceLayers.map(isOn)
        let offsets = try offset(x)
        let logitMap = try logits(x)
        // Inference records nothing for a backward pass: the raw source maps are then gathered
        // one source at a time and the value conv runs once, after the gather (valueAfterGather).
        let inference = !GradMode.isEnabled
        var values: [Variable?] = []
        if !inference {
            for (src, on) in zip(sources, active) { values.append(on ? try value(src) : nil) }
        }
        var mask: Variable?
        if let gate {
            var gateMaps: [Variable?] = []
            for (src, on) in zip(sources, active) { gateMaps.append(on ? try gate(src) : nil) }
            let beta = try sampleGates(gateMaps, offsets: offsets, keys: keys)
            mask = try gumbelGate(beta, mode: pass.mode, temperature: pass.keyTemperature, pass: pass)
        }
        let effective = try layerGates.map {
            try effectiveMask(mask, layerGates: $0, sourceLayers: sourceLayers, keys: keys, shape: [n, r * keys, h, w])
        } ?? mask
        let aggregated = inference
            ? try valueAfterGather(sources: sources, active: active, offsets: offsets.value,
                                   logits: logitMap.value, mask: effective?.value)
            : try aggregateKeys(values: values, offsets: offsets, logits: logitMap, mask: effective, keys: keys)
        let projected = try out(aggregated.output)
        let z = try layerGates.map { try addGated(x, projected, layerGates: $0, index: position - 1) }
            ?? add(x, projected)
        if keepsMask, let mask { pass.keyMasks[position] = mask }
        try measure(&record, activeSources: active.filter { $0 }.count, gathered: aggregated.gathered)
        if let probe = pass.probe, probe.y >= 0, probe.y < h, probe.x >= 0, probe.x < w {
            record.probe = probeKeys(at: probe, width: w, offsets: offsets.value, logits: logitMap.value,
                                     mask: effective?.value)
        }
        return z
    }

    /// Inference: `value` is affine and the bilinear gather linear, so sum_k a_k S(V x + b) =
    /// V (sum_k a_k S(x)) + b rho (rho: the weights' in-map share): one value conv on the gathered
    /// raw features instead of one per source map. Equal to the recorded form up to rounding.
    private func valueAfterGather(sources: [Variable], active: [Bool], offsets: Tensor, logits: Tensor,
                                  mask: Tensor?) throws -> AggregatedKeys {
        let g = try aggregateKeysForInference(present: active, channels: channels, offsets: offsets, logits: logits,
                                              mask: mask, keys: keys, weightSums: true) { s in sources[s].value }
        guard let rho = g.weightSums else { throw AclaError.internal("the key aggregation returned no weight sums") }
        let shape = g.output.shape
        var y = try Tensor(uninitialized: shape, what: "attention values")
        try y.data.withUnsafeMutableBufferPointer { dst in _ = try value(g.output, into: dst) }
        if let b = value.bias?.value {
            let (n, c, hw) = (Int32(shape[0]), Int32(shape[1]), shape[2] * shape[3])
            y.data.withUnsafeMutableBufferPointer { yp in
                b.data.withUnsafeBufferPointer { bp in
                    rho.data.withUnsafeBufferPointer { rp in
                        ak_cla_value_bias(yp.baseAddress, bp.baseAddress, rp.baseAddress, n, c, hw, Threads.count)
                    }
                }
            }
        }
        return AggregatedKeys(output: Variable(y), gathered: g.gathered)
    }

    private func measure(_ record: inout AttentionModuleStatistics, activeSources: Int, gathered: Int64) throws {
        let (n, pixels) = (max(record.batch, 1), record.height * record.width)
        record.gatheredKeys = gathered
        let possible = Double(n) * Double(sourceLayers.count * keys) * Double(pixels)
        record.openKeyFraction = possible > 0 ? Double(gathered) / possible : 0
        record.measuredMACs = try cost(height: record.height, width: record.width)
            .measured(activeSources: activeSources, gatheredPerImage: UInt64(max(gathered, 0)) / UInt64(n))
    }

    /// The keys of one query pixel of the first image: locations, joint-softmax weights, open flags.
    private func probeKeys(at p: ProbePixel, width w: Int, offsets: Tensor, logits: Tensor, mask: Tensor?) -> [ProbedKey] {
        let hw = offsets.shape[2] * offsets.shape[3]
        let i = p.y * w + p.x
        let q = sourceLayers.count * keys
        let m = (0..<q).map { Double(mask?.data[$0 * hw + i] ?? 1) }
        let e = (0..<q).map { Double(logits.data[$0 * hw + i]) }
        let top = zip(e, m).filter { $1 > 0 }.map { $0.0 }.max() ?? 0
        let terms = (0..<q).map { m[$0] > 0 ? m[$0] * Glibc.exp(e[$0] - top) : 0 }
        let z = terms.reduce(0, +)
        return (0..<q).map { j in
            ProbedKey(sourceLayer: sourceLayers[j / keys], key: j % keys,
                      y: Float(p.y) + offsets.data[2 * j * hw + i], x: Float(p.x) + offsets.data[(2 * j + 1) * hw + i],
                      weight: z > 0 ? Float(terms[j] / z) : 0, open: m[j] > 0)
        }
    }

    /// Section 5 with every gate open (CrossLayerCost).
    func macs(height: Int, width: Int) throws -> UInt64 {
        guard height > 0, width > 0 else { return 0 }
        return try cost(height: height, width: width).dense(sources: sourceLayers.count)
    }
}
