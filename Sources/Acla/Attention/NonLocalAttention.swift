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
        out = try Conv2dLayer(name + ".out", weight: Tensor(checkedZeros: [c, inner, 1, 1]), bias: Tensor(checkedZeros: [c]), store: store)
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
        let phiAll = try gatherSources(keys, image: 0, channels: inner, pixels: hw)
        var row = [Float](repeating: 0, count: r * hw)
        queries.data.withUnsafeBufferPointer { qp in
            phiAll.withUnsafeBufferPointer { pp in
                ak_nonlocal_row(qp.baseAddress, pp.baseAddress, inner32, hw, r * hw, p.y * w + p.x, &row)
            }
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

/// The maps of image `b` side by side along the pixels: all[c][s * hw + i] = maps[s][b, c, i].
func gatherSources(_ maps: [Tensor], image b: Int, channels ci: Int, pixels hw: Int) throws -> TensorData {
    let r = maps.count
    var all = try TensorData.buffer(ci * r * hw, zeroed: false)
    all.withUnsafeMutableBufferPointer { dst in
        for (s, m) in maps.enumerated() {
            m.data.withUnsafeBufferPointer { src in
                for c in 0..<ci {
                    let from = (b * ci + c) * hw, to = c * r * hw + s * hw
                    for i in 0..<hw { dst[to + i] = src[from + i] }
                }
            }
        }
    }
    return all
}

/// y[b] = g_all softmax_rows(theta^T phi_all)^T per image, sources side by side along the keys.
/// The N x rN attention matrix is scratch (bounded by the pass's memory limit before this runs);
/// every buffer comes from throwing allocations, so a raised limit fails with an error, not a trap.
func nonLocalAggregate(_ queries: Variable, keys: [Variable], values: [Variable]) throws -> Variable {
    let (n, ci, h, w) = (queries.shape[0], queries.shape[1], queries.shape[2], queries.shape[3])
    let (hw, r) = (h * w, keys.count)
    for t in keys + values { try t.value.requireShape(queries.shape, "non-local key/value map") }
    let threads = Threads.count
    let ci32 = try kernelInt32(ci, "non-local channels")
    let attentionCount = try CheckedSize.product([hw, r, hw], limit: Int.max, what: "non-local attention matrix")
    var y = try Tensor(uninitialized: queries.shape)
    var attn = try TensorData.buffer(attentionCount, zeroed: false)
    for b in 0..<n {
        let phiAll = try gatherSources(keys.map(\.value), image: b, channels: ci, pixels: hw)
        let gAll = try gatherSources(values.map(\.value), image: b, channels: ci, pixels: hw)
        queries.value.data.withUnsafeBufferPointer { qp in
            y.data.withUnsafeMutableBufferPointer { yp in
                phiAll.withUnsafeBufferPointer { pp in
                    gAll.withUnsafeBufferPointer { gp in
                        attn.withUnsafeMutableBufferPointer { ap in
                            ak_nonlocal_forward(qp.baseAddress! + b * ci * hw, pp.baseAddress, gp.baseAddress, ci32, hw, r * hw,
                                                ap.baseAddress, yp.baseAddress! + b * ci * hw, threads)
                        }
                    }
                }
            }
        }
    }
    attn = try TensorData.buffer(0, zeroed: false)
    return Variable.result(y, parents: [queries] + keys + values) { dy in
        var dq = try Tensor(checkedZeros: queries.shape)
        var dk = try keys.map { _ in try Tensor(uninitialized: queries.shape) }, dv = try keys.map { _ in try Tensor(uninitialized: queries.shape) }
        var attn = try TensorData.buffer(attentionCount, zeroed: true), dattn = try TensorData.buffer(attentionCount, zeroed: true)
        for b in 0..<n {
            let phiAll = try gatherSources(keys.map(\.value), image: b, channels: ci, pixels: hw)
            let gAll = try gatherSources(values.map(\.value), image: b, channels: ci, pixels: hw)
            var dphi = try TensorData.buffer(ci * r * hw, zeroed: true), dg = try TensorData.buffer(ci * r * hw, zeroed: true)
            queries.value.data.withUnsafeBufferPointer { qp in
                dy.data.withUnsafeBufferPointer { gp in
                    dq.data.withUnsafeMutableBufferPointer { dqp in
                        phiAll.withUnsafeBufferPointer { pp in
                            gAll.withUnsafeBufferPointer { vp in
                                attn.withUnsafeMutableBufferPointer { ap in
                                    dattn.withUnsafeMutableBufferPointer { dap in
                                        dphi.withUnsafeMutableBufferPointer { dpp in
                                            dg.withUnsafeMutableBufferPointer { dgp in
                                                ak_nonlocal_backward(qp.baseAddress! + b * ci * hw, pp.baseAddress, vp.baseAddress,
                                                                     ci32, hw, r * hw, gp.baseAddress! + b * ci * hw,
                                                                     ap.baseAddress, dap.baseAddress, dqp.baseAddress! + b * ci * hw,
                                                                     dpp.baseAddress, dgp.baseAddress, threads)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for s in 0..<r {
                dk[s].data.withUnsafeMutableBufferPointer { dkp in
                    dv[s].data.withUnsafeMutableBufferPointer { dvp in
                        for c in 0..<ci {
                            let dst = (b * ci + c) * hw, src = c * r * hw + s * hw
                            for i in 0..<hw {
                                dkp[dst + i] = dphi[src + i]
                                dvp[dst + i] = dg[src + i]
                            }
                        }
                    }
                }
            }
        }
        return [dq] + dk + dv
    }
}
