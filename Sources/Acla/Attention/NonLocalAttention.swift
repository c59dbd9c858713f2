import AclaKernels

/// NL (non-local, embedded Gaussian) and CLNL (cross-layer non-local, eq. 3) of ATTENTION.md
/// section 6: the query at every pixel attends to every pixel of every source map, with one
/// softmax over all of them; `phi` and `g` are shared across sources; `out` starts at zero.
final class NonLocalAttention: AttentionModule {
    let position: Int
    let sourceLayers: [Int]
    let channels: Int
    let inner: Int
    let theta: Conv2dLayer
    let phi: Conv2dLayer
    let g: Conv2dLayer
    let out: Conv2dLayer
    let kind: AttentionConfig.Kind
    /// Keys per source the probe reports (the paper's Figure 2 shows the top 16 of CLNL).
    static let probeKeys = 16

    init(kind: AttentionConfig.Kind, position: Int, sourceLayers: [Int], channels c: Int, store: ParameterStore,
         rng: inout RandomGenerator) throws {
        let name = "attention.\(position)"
        self.position = position
        self.sourceLayers = sourceLayers
        channels = c
        inner = c / 2
        theta = try Conv2dLayer(name + ".theta", in: c, out: inner, kernel: 1, store: store, rng: &rng)
        phi = try Conv2dLayer(name + ".phi", in: c, out: inner, kernel: 1, store: store, rng: &rng)
        g = try Conv2dLayer(name + ".g", in: c, out: inner, kernel: 1, store: store, rng: &rng)
        out = try Conv2dLayer(name + ".out", weight: Tensor(zeros: [c, inner, 1, 1]), bias: Tensor(zeros: [c]), store: store)
        self.kind = kind
    }

    static func registration(kind: AttentionConfig.Kind) -> AttentionKinds.Kind {
        AttentionKinds.Kind(
            readsEarlierLayers: kind == .clnl, searchable: false, minimumChannels: 2,
            parameterCount: { _, c, _ in parameterCount(channels: c) },
            widestMapChannels: { _, c, _ in c },
            build: { site, store, rng in
                try NonLocalAttention(kind: kind, position: site.position, sourceLayers: site.sourceLayers,
                                      channels: site.channels, store: store, rng: &rng)
            })
    }

    var blankStatistics: AttentionModuleStatistics {
        AttentionModuleStatistics(position: position, kind: kind, sourceLayers: sourceLayers, keys: 0)
    }

    /// What `init` registers: theta, phi and g (C -> C/2) and out (C/2 -> C), each with a bias.
    static func parameterCount(channels c: Int) -> Int {
        let inner = c / 2
        return 3 * inner * (c + 1) + c * (inner + 1)
    }

    func forward(_ x: Variable, sources: [Variable], pass: ForwardPass,
                 record: inout AttentionModuleStatistics) throws -> Variable {
        try requireFeatures(x, channels: channels, "attention input at layer \(position)")
        let (h, w) = (x.shape[2], x.shape[3])
        try requireAttentionMatrix(pixels: h * w, sources: sources.count, limit: pass.memoryLimitBytes)
        let queries = try theta(x)
        var phis: [Variable] = [], gs: [Variable] = []
        for src in sources {
            phis.append(try phi(src))
            gs.append(try g(src))
        }
        let y = try nonLocalAggregate(queries, keys: phis, values: gs)
        let z = try add(x, try out(y))
        record.hasRun = true
        (record.height, record.width, record.batch) = (h, w, x.shape[0])
        record.denseMACs = try macs(height: h, width: w)
        record.openKeyFraction = 1
        record.gatheredKeys = Int64(x.shape[0]) * Int64(h * w) * Int64(h * w * sources.count)
        record.measuredMACs = record.denseMACs
        if let p = pass.probe, p.y >= 0, p.y < h, p.x >= 0, p.x < w {
            record.probe = try probe(p, width: w, queries: queries.value, keys: phis.map(\.value))
        }
        return z
    }

    /// Refuses maps whose N x rN attention matrix would exceed the memory limit (CLNL is
    /// quadratic in N*r: an error is better than exhausting the machine).
    private func requireAttentionMatrix(pixels: Int, sources: Int, limit: Int) throws {
        let (keys, o1) = pixels.multipliedReportingOverflow(by: sources)
        let (entries, o2) = pixels.multipliedReportingOverflow(by: keys)
        let (bytes, o3) = entries.multipliedReportingOverflow(by: MemoryLayout<Float>.size)
        guard !o1, !o2, !o3, bytes <= limit, keys <= Int(Int32.max) else {
            let size = o1 || o2 || o3 ? "more than \(Int.max)" : "\(bytes)"
            throw AclaError.outOfMemory("\(kind.rawValue) attention at layer \(position) needs a \(pixels) x \(pixels * sources) attention matrix (\(size) bytes), over the limit of \(limit) bytes; use smaller inputs (tiles) or raise the limit")
        }
    }

    /// The probe query's softmax row, reduced to the `probeKeys` largest weights of each source.
    private func probe(_ p: ProbePixel, width w: Int, queries: Tensor, keys: [Tensor]) throws -> [ProbedKey] {
        let inner32 = try kernelInt32(inner, "non-local channels")
        let hw = queries.shape[2] * queries.shape[3]
        let r = keys.count
        var phiAll = [Float](repeating: 0, count: inner * r * hw)
        for (s, k) in keys.enumerated() {
            for c in 0..<inner { for i in 0..<hw { phiAll[c * r * hw + s * hw + i] = k.data[c * hw + i] } }
        }
        var row = [Float](repeating: 0, count: r * hw)
        queries.data.withUnsafeBufferPointer { qp in
            ak_nonlocal_row(qp.baseAddress, phiAll, inner32, hw, r * hw, p.y * w + p.x, &row)
        }
        var result: [ProbedKey] = []
        for s in 0..<r {
            let ranked = (0..<hw).sorted { row[s * hw + $0] > row[s * hw + $1] }.prefix(Self.probeKeys)
            for (rank, i) in ranked.enumerated() {
                result.append(ProbedKey(sourceLayer: sourceLayers[s], key: rank, y: Float(i / w), x: Float(i % w),
                                        weight: row[s * hw + i], open: true))
            }
        }
        return result
    }

    /// theta N C C' + r (phi, g) 2 N C C' + out N C' C + r (affinities, aggregation) 2 N N C'
    /// (section 6: NL 2NC^2 + N^2 C, CLNL NC^2/2 + rNC^2 + NC^2/2 + rN^2 C for even C).
    func macs(height: Int, width: Int) throws -> UInt64 {
        guard height > 0, width > 0 else { return 0 }
        let (n, c, ci, r) = (height * width, channels, inner, sourceLayers.count)
        return try MacCount.sum([MacCount.product(2, n, c, ci), MacCount.product(2, r, n, c, ci), MacCount.product(2, r, n, n, ci)])
    }
}

/// y[b] = g_all softmax_rows(theta^T phi_all)^T per image, sources side by side along the keys.
func nonLocalAggregate(_ queries: Variable, keys: [Variable], values: [Variable]) throws -> Variable {
    let (n, ci, h, w) = (queries.shape[0], queries.shape[1], queries.shape[2], queries.shape[3])
    let (hw, r) = (h * w, keys.count)
    for t in keys + values { try t.value.requireShape(queries.shape, "non-local key/value map") }
    let threads = Threads.count
    let ci32 = try kernelInt32(ci, "non-local channels")
    let gatherKeys = { (maps: [Variable], b: Int) -> [Float] in
        var all = [Float](repeating: 0, count: ci * r * hw)
        for (s, m) in maps.enumerated() {
            for c in 0..<ci {
                let src = (b * ci + c) * hw
                for i in 0..<hw { all[c * r * hw + s * hw + i] = m.value.data[src + i] }
            }
        }
        return all
    }
    var y = Tensor(zeros: queries.shape)
    var attn = [Float](repeating: 0, count: hw * r * hw)
    for b in 0..<n {
        let (phiAll, gAll) = (gatherKeys(keys, b), gatherKeys(values, b))
        queries.value.data.withUnsafeBufferPointer { qp in
            y.data.withUnsafeMutableBufferPointer { yp in
                ak_nonlocal_forward(qp.baseAddress! + b * ci * hw, phiAll, gAll, ci32, hw, r * hw,
                                    &attn, yp.baseAddress! + b * ci * hw, threads)
            }
        }
    }
    attn = []
    return Variable.result(y, parents: [queries] + keys + values) { dy in
        var dq = Tensor(zeros: queries.shape)
        var dk = keys.map { _ in Tensor(zeros: queries.shape) }, dv = dk
        var attn = [Float](repeating: 0, count: hw * r * hw), dattn = attn
        for b in 0..<n {
            let (phiAll, gAll) = (gatherKeys(keys, b), gatherKeys(values, b))
            var dphi = [Float](repeating: 0, count: ci * r * hw), dg = dphi
            queries.value.data.withUnsafeBufferPointer { qp in
                dy.data.withUnsafeBufferPointer { gp in
                    dq.data.withUnsafeMutableBufferPointer { dqp in
                        ak_nonlocal_backward(qp.baseAddress! + b * ci * hw, phiAll, gAll, ci32, hw, r * hw,
                                             gp.baseAddress! + b * ci * hw, &attn, &dattn,
                                             dqp.baseAddress! + b * ci * hw, &dphi, &dg, threads)
                    }
                }
            }
            for s in 0..<r {
                for c in 0..<ci {
                    let dst = (b * ci + c) * hw
                    for i in 0..<hw {
                        dk[s].data[dst + i] = dphi[c * r * hw + s * hw + i]
                        dv[s].data[dst + i] = dg[c * r * hw + s * hw + i]
                    }
                }
            }
        }
        return [dq] + dk + dv
    }
}
