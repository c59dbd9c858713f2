import Foundation

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
    private(set) var statistics: AttentionModuleStatistics
    /// The key gates m of the last forward pass ([n, r*K, h, w], before layer gates), for the
    /// search cost; nil for CLA, and kept only in a search supernet (`keepsMask`).
    private(set) var lastMask: Variable?
    var keepsMask = false
    /// Feature-map size and batch of the last forward pass (0 when skipped or never run).
    private(set) var lastPixels = 0
    private(set) var lastBatch = 0

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
        offset = try Conv2dLayer(name + ".offset", weight: Tensor(zeros: [2 * k * r, c, 1, 1]),
                                 bias: RingPattern.offsetBias(sources: r, keys: k), store: store)
        logits = try Conv2dLayer(name + ".logits", weight: Tensor(zeros: [k * r, c, 1, 1]),
                                 bias: Tensor(zeros: [k * r]), store: store)
        value = try Conv2dLayer(name + ".value", in: c, out: c, kernel: 1, store: store, rng: &rng)
        out = try Conv2dLayer(name + ".out", weight: Tensor(zeros: [c, c, 1, 1]), bias: Tensor(zeros: [c]), store: store)
        gate = gated ? try Conv2dLayer(name + ".gate", weight: Tensor(zeros: [1, c, 1, 1]),
                                       bias: Tensor(shape: [1], repeating: 3), store: store) : nil
        statistics = AttentionModuleStatistics(position: position, kind: gated ? .acla : .cla,
                                               sourceLayers: sourceLayers, keys: k)
    }

    var gated: Bool { gate != nil }

    /// What `init` registers: offset (2rK rows) and logit (rK rows) 1x1 convs, value and out
    /// (C x C), and the gate (1 row) for ACLA, each with a bias.
    static func parameterCount(sources r: Int, channels c: Int, keys k: Int, gated: Bool) -> Int {
        3 * k * r * (c + 1) + 2 * c * (c + 1) + (gated ? c + 1 : 0)
    }

    func forward(_ x: Variable, sources: [Variable], pass: AttentionPass) throws -> Variable {
        try requireFeatures(x, channels: channels, "attention input at layer \(position)")
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let r = sourceLayers.count
        let context = pass.context
        let evaluation = context.mode == .evaluation
        let layerGates = pass.layerGates
        // At evaluation a layer gate is exactly 0 or 1: a module or source switched off is skipped.
        let isOn = { (layer: Int) -> Bool in !evaluation || (layerGates?.value.data[layer - 1] ?? 1) != 0 }
        (statistics.height, statistics.width) = (h, w)
        statistics.denseMACs = macs(height: h, width: w)
        guard isOn(position) else {
            record(skippedBatch: n)
            return x
        }
        let active = sourceLayers.map(isOn)
        let offsets = try offset(x)
        let logitMap = try logits(x)
        // Inference records nothing for a backward pass: the value maps are then made and
        // gathered one source at a time (aggregateKeysForInference), not all kept at once.
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
            mask = try gumbelGate(beta, mode: context.mode, temperature: context.keyTemperature, rng: &context.rng)
        }
        let effective = try layerGates.map {
            try effectiveMask(mask, layerGates: $0, sourceLayers: sourceLayers, keys: keys, shape: [n, r * keys, h, w])
        } ?? mask
        let aggregated = inference
            ? try aggregateKeysForInference(present: active, channels: channels, offsets: offsets.value,
                                            logits: logitMap.value, mask: effective?.value, keys: keys) { s in
                try value(sources[s]).value
            }
            : try aggregateKeys(values: values, offsets: offsets, logits: logitMap, mask: effective, keys: keys)
        let projected = try out(aggregated.output)
        let z = try layerGates.map { try addGated(x, projected, layerGates: $0, index: position - 1) }
            ?? add(x, projected)
        lastMask = keepsMask ? mask : nil
        (lastPixels, lastBatch) = (h * w, n)
        record(batch: n, height: h, width: w, activeSources: active.filter { $0 }.count,
               gathered: aggregated.gathered)
        if let probe = pass.probe, probe.y >= 0, probe.y < h, probe.x >= 0, probe.x < w {
            statistics.probe = probeKeys(at: probe, width: w, offsets: offsets.value, logits: logitMap.value,
                                         mask: effective?.value)
        }
        return z
    }

    private func record(skippedBatch n: Int) {
        lastMask = nil
        (lastPixels, lastBatch) = (0, n)
        statistics.hasRun = true
        statistics.openKeyFraction = 0
        statistics.gatheredKeys = 0
        statistics.measuredMACs = 0
        statistics.probe = []
    }

    private func record(batch n: Int, height h: Int, width w: Int, activeSources: Int, gathered: Int64) {
        let (pixels, c, r, k) = (h * w, channels, sourceLayers.count, keys)
        let gatheredPerImage = UInt64(max(gathered, 0)) / UInt64(max(n, 1))
        statistics.hasRun = true
        statistics.gatheredKeys = gathered
        let possible = Double(n) * Double(r * k) * Double(pixels)
        statistics.openKeyFraction = possible > 0 ? Double(gathered) / Double(possible) : 0
        statistics.measuredMACs = SaturatingMACs.sum(
            SaturatingMACs.product(pixels, c, c),                                    // out conv
            SaturatingMACs.product(3, k, r, pixels, c),                              // offset + logit convs
            SaturatingMACs.times(sourceMACs(pixels: pixels), activeSources),         // value (and gate) per source
            SaturatingMACs.times(gatheredPerImage, 5 * c))                           // 4 taps + 1 add per channel
        statistics.probe = []
    }

    /// Per source: the value conv, and for ACLA the gate conv and the 4 MACs of sampling each gate.
    private func sourceMACs(pixels: Int) -> UInt64 {
        SaturatingMACs.sum(SaturatingMACs.product(pixels, channels, channels),
                     gated ? SaturatingMACs.product(pixels, channels) : 0,
                     gated ? SaturatingMACs.product(4, keys, pixels) : 0)
    }

    /// The keys of one query pixel of the first image: locations, joint-softmax weights, open flags.
    private func probeKeys(at p: ProbePixel, width w: Int, offsets: Tensor, logits: Tensor, mask: Tensor?) -> [ProbedKey] {
        let hw = offsets.shape[2] * offsets.shape[3]
        let i = p.y * w + p.x
        let q = sourceLayers.count * keys
        let m = (0..<q).map { Double(mask?.data[$0 * hw + i] ?? 1) }
        let e = (0..<q).map { Double(logits.data[$0 * hw + i]) }
        let top = zip(e, m).filter { $1 > 0 }.map { $0.0 }.max() ?? 0
        let terms = (0..<q).map { m[$0] > 0 ? m[$0] * Foundation.exp(e[$0] - top) : 0 }
        let z = terms.reduce(0, +)
        return (0..<q).map { j in
            ProbedKey(sourceLayer: sourceLayers[j / keys], key: j % keys,
                      y: Float(p.y) + offsets.data[2 * j * hw + i], x: Float(p.x) + offsets.data[(2 * j + 1) * hw + i],
                      weight: z > 0 ? Float(terms[j] / z) : 0, open: m[j] > 0)
        }
    }

    /// Section 5 with every gate open: out conv, then per source the offset/logit rows, value conv,
    /// gate conv and sampling (ACLA), and 5 MACs per channel for each of the K keys per pixel.
    func macs(height: Int, width: Int) -> UInt64 {
        guard height > 0, width > 0 else { return 0 }
        let pixels = height * width
        let perSource = SaturatingMACs.sum(SaturatingMACs.product(3, keys, pixels, channels), sourceMACs(pixels: pixels),
                                     SaturatingMACs.product(5, channels, keys, pixels))
        return SaturatingMACs.add(SaturatingMACs.product(pixels, channels, channels), SaturatingMACs.times(perSource, sourceLayers.count))
    }
}
