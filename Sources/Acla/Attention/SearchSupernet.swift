import Glibc

/// The insert-position search (ATTENTION.md section 5): a CLA/ACLA module after every layer,
/// the architecture parameters `search.alpha` (length L, initialised to +3), the layer gates
/// s_j sampled from them once per forward pass, the differentiable cost, and the derived
/// architecture.
public final class SearchSupernet {
    /// `search.alpha`, one entry per layer.
    public let alpha: Variable
    public let layers: Int
    let modules: [CrossLayerAttention]
    private let store: ParameterStore

    init(layers: Int, modules: [CrossLayerAttention], store: ParameterStore) throws {
        self.layers = layers
        self.modules = modules
        self.store = store
        for m in modules { m.keepsMask = true }
        alpha = try store.register("search.alpha", Tensor(shape: [layers], repeating: 3))
    }

    /// s for one forward pass: the binary Gumbel gate on alpha (hard with straight-through in
    /// training, strict `alpha > 0` at evaluation, sigmoid in soft mode), or all ones in stage 1.
    func sampleGates(_ pass: ForwardPass) throws -> Variable {
        pass.layerGatesOpen
            ? Variable(Tensor(shape: [layers], repeating: 1))
            : try gumbelGate(alpha, mode: pass.mode, temperature: pass.layerTemperature, rng: &pass.rng)
    }

    /// The insert positions the search found: `{ j : alpha_j >= 0 }`.
    public var derivedPositions: [Int] {
        (0..<layers).filter { alpha.value.data[$0] >= 0 }.map { $0 + 1 }
    }

    /// `cost = backbone + sum_j s_j * cost_j` in MACs (a [1] tensor) for a forward pass that ran,
    /// differentiable in s (so in alpha) and in the key gates m (so in the gate convs and offsets).
    /// `backboneMACs` is the backbone's convolution MACs for one image of that pass.
    public func cost(of pass: ForwardPass, backboneMACs: Double) throws -> Variable {
        guard let gates = pass.layerGates, pass.statistics.count == modules.count else {
            throw AclaError.state("the search cost needs a forward pass of this supernet first")
        }
        return try searchCost(gates: gates, modules: modules, pass: pass, backboneMACs: backboneMACs)
    }

    /// `lambda * log(cost / 1e9)`: the term eq. 14 adds to the reconstruction loss (cost in GMACs).
    /// `combine` turns this pass's cost into the one the penalty uses (data-parallel training:
    /// the mean over every rank's shard, so the term is that of the whole batch).
    public func costPenalty(lambda: Double, backboneMACs: Double, pass: ForwardPass,
                            combine: ((Double) throws -> Double)? = nil) throws -> Variable {
        guard lambda.isFinite, lambda >= 0 else {
            throw AclaError.invalidArgument("search cost weight lambda must be finite and >= 0, got \(lambda)")
        }
        let c = try cost(of: pass, backboneMACs: backboneMACs)
        let value = try combine?(Double(c.value.data[0])) ?? Double(c.value.data[0])
        let penalty = Float(lambda * Glibc.log(value / 1e9))
        return Variable.result(Tensor(shape: [1], repeating: penalty), parents: [c]) { g in
            [Tensor(shape: [1], repeating: Float(Double(g.data[0]) * lambda / value))]
        }
    }

    /// The parameters of the derived network (section 5): every backbone parameter as is, the
    /// kept modules' parameters with their offset/logit rows reduced to the kept sources, no
    /// `search.alpha`. Names are those a model with `positions` registers.
    public func derivedParameters(positions: [Int]? = nil) throws -> [(name: String, value: Tensor)] {
        let kept = positions ?? derivedPositions
        for p in kept where !(1...layers).contains(p) {
            throw AclaError.invalidArgument("derived position \(p) is outside 1...\(layers)")
        }
        let keptSet = Set(kept)
        var result: [(name: String, value: Tensor)] = []
        for (name, variable) in store.parameters where name != "search.alpha" {
            guard let (j, field) = Self.attentionField(name) else {
                result.append((name, variable.value))
                continue
            }
            guard keptSet.contains(j), let module = modules.first(where: { $0.position == j }) else { continue }
            let newSources = kept.filter { $0 <= j }
            let rowsPerKey: Int
            switch field {
            case "offset.weight", "offset.bias": rowsPerKey = 2
            case "logits.weight", "logits.bias": rowsPerKey = 1
            default:
                result.append((name, variable.value))
                continue
            }
            result.append((name, try selectSourceRows(variable.value, from: module.sourceLayers, keep: newSources,
                                                      keys: module.keys, rowsPerKey: rowsPerKey)))
        }
        return result
    }

    /// "attention.12.offset.weight" -> (12, "offset.weight").
    static func attentionField(_ name: String) -> (Int, String)? {
        let parts = name.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[0] == "attention", let j = Int(parts[1]) else { return nil }
        return (j, String(parts[2]))
    }
}

/// Rows of a source-major conv weight/bias ([r*K*rowsPerKey, ...]) for the kept sources only.
func selectSourceRows(_ t: Tensor, from sources: [Int], keep: [Int], keys: Int, rowsPerKey: Int) throws -> Tensor {
    let block = keys * rowsPerKey
    guard t.shape.first == sources.count * block else {
        throw AclaError.shape("cannot select source rows of a tensor of shape \(t.shape) for \(sources.count) sources")
    }
    let rowSize = t.count / max(t.shape[0], 1)
    var data: [Float] = []
    for l in keep {
        guard let s = sources.firstIndex(of: l) else {
            throw AclaError.invalidArgument("layer \(l) is not a source of this module (\(sources))")
        }
        data += t.data[(s * block * rowSize)..<((s + 1) * block * rowSize)]
    }
    return try Tensor(shape: [keep.count * block] + t.shape.dropFirst(), data: data)
}

/// cost = backbone + sum_j s_j [output + sum_{l in R_j} s_l (perSource + perKey sum_{i,k} m_{i,l,k})]
/// with the terms of `CrossLayerCost`; m = 1 for CLA (every key gathered). Masks are averaged over
/// the batch.
private func searchCost(gates: Variable, modules: [CrossLayerAttention], pass: ForwardPass,
                        backboneMACs: Double) throws -> Variable {
    let s = gates.value.data.map(Double.init)
    let pixels = pass.statistics.map { $0.height * $0.width }.max() ?? 0
    struct Term { let module: CrossLayerAttention; let cost: CrossLayerCost; let mask: Variable?; let batch: Int; let sums: [Double] }
    var terms: [Term] = []
    var total = backboneMACs
    for (index, m) in modules.enumerated() {
        let cost = CrossLayerCost(pixels: pixels, channels: m.channels, keys: m.keys, gated: m.gated)
        let mask = pass.keyMasks[m.position]
        let batch = max(pass.statistics[index].batch, 1)
        let sums = m.sourceLayers.indices.map { src -> Double in
            guard m.gated else { return Double(m.keys) * Double(pixels) }
            return maskSum(mask, source: src, keys: m.keys) / Double(batch)
        }
        var costJ = cost.outputValue
        for (src, l) in m.sourceLayers.enumerated() { costJ += s[l - 1] * (cost.perSourceValue + cost.perKeyValue * sums[src]) }
        total += s[m.position - 1] * costJ
        terms.append(Term(module: m, cost: cost, mask: mask, batch: batch, sums: sums))
    }
    let masks = terms.compactMap(\.mask)
    return Variable.result(Tensor(shape: [1], repeating: Float(total)), parents: [gates] + masks) { g in
        let up = Double(g.data[0])
        var ds = [Double](repeating: 0, count: s.count)
        var dmasks: [Tensor?] = []
        for t in terms {
            let (m, j) = (t.module, t.module.position)
            var costJ = t.cost.outputValue
            for (src, l) in m.sourceLayers.enumerated() {
                let term = t.cost.perSourceValue + t.cost.perKeyValue * t.sums[src]
                costJ += s[l - 1] * term
                ds[l - 1] += up * s[j - 1] * term
            }
            ds[j - 1] += up * costJ
            if let mask = t.mask {
                var dm = try Tensor(uninitialized: mask.shape)
                let hw = mask.shape[2] * mask.shape[3], q = mask.shape[1]
                dm.data.withUnsafeMutableBufferPointer { p in
                    for b in 0..<mask.shape[0] {
                        for ch in 0..<q {
                            let l = m.sourceLayers[ch / m.keys]
                            let v = Float(up * s[j - 1] * s[l - 1] * t.cost.perKeyValue / Double(t.batch))
                            let base = (b * q + ch) * hw
                            for i in base..<(base + hw) { p[i] = v }
                        }
                    }
                }
                dmasks.append(dm)
            }
        }
        var dgates = Tensor(zeros: [s.count])
        for i in ds.indices { dgates.data[i] = Float(ds[i]) }
        return [dgates] + dmasks
    }
}

private func maskSum(_ mask: Variable?, source: Int, keys: Int) -> Double {
    guard let mask else { return 0 }
    let (n, q, hw) = (mask.shape[0], mask.shape[1], mask.shape[2] * mask.shape[3])
    return mask.value.data.withUnsafeBufferPointer { p in
        var sum = 0.0
        for b in 0..<n {
            let base = (b * q + source * keys) * hw
            for i in base..<(base + keys * hw) { sum += Double(p[i]) }
        }
        return sum
    }
}
