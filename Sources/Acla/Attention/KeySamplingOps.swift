import AclaKernels

// The differentiable pieces of CLA/ACLA around the C kernels (AclaKernels/cla_*.c). Sources
// may be nil (a source switched off by its layer gate at evaluation): such a source is never
// read, and the mask guarantees none of its keys is open.

/// Per-source maps copied side by side into one buffer (optionally channels-last), so a kernel
/// can take them as an array of pointers.
struct SourceBuffer {
    var data: TensorData
    let slots: [Int?]
    let stride: Int

    init(_ maps: [Tensor?], channelsLast: Bool) throws {
        var slots: [Int?] = []
        var next = 0
        for m in maps {
            slots.append(m == nil ? nil : next)
            if m != nil { next += 1 }
        }
        let first = maps.compactMap { $0 }.first
        let stride = first?.count ?? 0
        self.stride = stride
        self.slots = slots
        guard let first else {
            data = try TensorData.buffer(0, zeroed: false)
            return
        }
        let (n, c, hw) = (try kernelInt32(first.shape[0], "attention batch"),
                          try kernelInt32(first.shape[1], "attention channels"), first.shape[2] * first.shape[3])
        // Every slot is written whole below (the maps share one shape), so the buffer is not
        // zero-filled first: for r value maps that fill was as costly as the copy.
        var data = try TensorData.buffer(stride * next, zeroed: false)
        data.withUnsafeMutableBufferPointer { dp in
            for (m, slot) in zip(maps, slots) {
                guard let m, let slot, let base = dp.baseAddress else { continue }
                m.data.withUnsafeBufferPointer { mp in
                    if channelsLast {
                        ak_nchw_to_nhwc(mp.baseAddress, n, c, hw, base + slot * stride, Threads.count)
                    } else {
                        if let src = mp.baseAddress { (base + slot * stride).initialize(from: src, count: stride) }
                    }
                }
            }
        }
        self.data = data
    }

    /// A zeroed buffer with the same slots (gradients).
    init(zeroLike other: SourceBuffer) throws {
        data = try TensorData.buffer(other.data.count, zeroed: true)
        slots = other.slots
        stride = other.stride
    }

    func withPointers<R>(_ body: ([UnsafePointer<Float>?]) -> R) -> R {
        data.withUnsafeBufferPointer { p in
            // an empty map (a zero size) has no storage: its pointers are nil, never read
            body(slots.map { s in s.flatMap { slot in p.baseAddress.map { $0 + slot * stride } } })
        }
    }

    mutating func withMutablePointers<R>(_ body: ([UnsafeMutablePointer<Float>?]) -> R) -> R {
        let (slots, stride) = (self.slots, self.stride)
        return data.withUnsafeMutableBufferPointer { p in
            body(slots.map { s in s.flatMap { slot in p.baseAddress.map { $0 + slot * stride } } })
        }
    }

    /// Source s as an NCHW tensor of `shape` (converting back from channels-last if needed).
    func tensor(_ s: Int, shape: [Int], channelsLast: Bool) throws -> Tensor? {
        guard let slot = slots[s] else { return nil }
        let (n, c) = (try kernelInt32(shape[0], "attention batch"), try kernelInt32(shape[1], "attention channels"))
        var t = try Tensor(uninitialized: shape)
        data.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }  // an empty map: nothing to copy
            let src = base + slot * stride
            t.data.withUnsafeMutableBufferPointer { tp in
                guard let dst = tp.baseAddress else { return }
                if channelsLast {
                    ak_nhwc_to_nchw(src, n, c, shape[2] * shape[3], dst, Threads.count)
                } else {
                    dst.update(from: src, count: stride)
                }
            }
        }
        return t
    }
}

/// The sizes the key kernels take as C int, checked once (the key channels 2*r*K too).
struct KeyKernelSizes {
    let n, c, h, w, r, k: Int32

    init(n: Int, c: Int, h: Int, w: Int, r: Int, keys: Int) throws {
        (self.n, self.c) = (try kernelInt32(n, "attention batch"), try kernelInt32(c, "attention channels"))
        (self.h, self.w) = (try kernelInt32(h, "attention map height"), try kernelInt32(w, "attention map width"))
        (self.r, self.k) = (try kernelInt32(r, "attention sources"), try kernelInt32(keys, "attention keys"))
        _ = try kernelInt32(checkedProduct(2 * r, keys, "attention key channels"), "attention key channels")
        // the backward kernel keeps pixel indices of one map as C int
        _ = try kernelInt32(checkedProduct(h, w, "attention map pixels"), "attention map pixels (height x width)")
    }
}

private func checkSources(_ maps: [Variable?], channels: Int?, n: Int, h: Int, w: Int, _ what: String) throws {
    for case let m? in maps {
        let want = [n, channels ?? m.shape[1], h, w]
        guard m.shape == want else { throw AclaError.shape("\(what) must have shape \(want), got \(m.shape)") }
    }
}

/// beta[b, s*K + k] = S(gates[s], location of key (s, k)): the one-channel gate maps sampled at
/// every key (ATTENTION.md section 4). Keys of a nil source get beta 0.
func sampleGates(_ gates: [Variable?], offsets: Variable, keys: Int) throws -> Variable {
    try requireNCHW(offsets, "key offsets")
    let (n, h, w) = (offsets.shape[0], offsets.shape[2], offsets.shape[3])
    let r = gates.count
    guard offsets.shape[1] == 2 * r * keys else {
        throw AclaError.shape("key offsets need \(2 * r * keys) channels for \(r) sources of \(keys) keys, got \(offsets.shape)")
    }
    try checkSources(gates, channels: 1, n: n, h: h, w: w, "gate map")
    let size = try KeyKernelSizes(n: n, c: 1, h: h, w: w, r: r, keys: keys)
    let buffer = try SourceBuffer(gates.map { $0?.value }, channelsLast: false)
    var beta = try Tensor(checkedZeros: [n, r * keys, h, w])
    let threads = Threads.count
    buffer.withPointers { gp in
        offsets.value.data.withUnsafeBufferPointer { op in
            beta.data.withUnsafeMutableBufferPointer { bp in
                ak_cla_gate_forward(gp, size.r, size.k, size.n, size.h, size.w,
                                    op.baseAddress, bp.baseAddress, threads)
            }
        }
    }
    let parents = [offsets] + gates.compactMap { $0 }
    return Variable.result(beta, parents: parents) { dbeta in
        var dgates = try SourceBuffer(zeroLike: buffer)
        var doff: Tensor? = offsets.requiresGrad ? try Tensor(checkedZeros: offsets.shape) : nil
        buffer.withPointers { gp in
            dgates.withMutablePointers { dgp in
                withOptionalMutableBuffer(&doff) { dop in
                    offsets.value.data.withUnsafeBufferPointer { op in
                        dbeta.data.withUnsafeBufferPointer { dbp in
                            ak_cla_gate_backward(gp, size.r, size.k, size.n, size.h, size.w,
                                                 op.baseAddress, dbp.baseAddress, dgp, dop, threads)
                        }
                    }
                }
            }
        }
        var grads: [Tensor?] = [doff]
        for s in gates.indices where gates[s] != nil {
            grads.append(try dgates.tensor(s, shape: [n, 1, h, w], channelsLast: false))
        }
        return grads
    }
}

/// The output of `aggregateKeys`: y, and the number of keys the kernel actually gathered.
struct AggregatedKeys {
    let output: Variable
    let gathered: Int64
    /// [n, 1, h, w] when asked for (aggregateKeysForInference): the sum over open keys of a times
    /// the in-map share of the key's bilinear corner weights.
    var weightSums: Tensor? = nil
}

/// y_i = sum_q a_q S(values[s(q)], p_i + offset_q) with a the masked softmax of the logits
/// (ATTENTION.md sections 3-4). Only keys with mask > 0 are sampled. A nil source's keys must all
/// be closed (checked). `weights`, when asked for, receives the a_q ([n, r*K, h, w]).
func aggregateKeys(values: [Variable?], offsets: Variable, logits: Variable, mask: Variable?,
                   keys: Int) throws -> AggregatedKeys {
    try requireNCHW(logits, "attention logits")
    let (n, h, w) = (logits.shape[0], logits.shape[2], logits.shape[3])
    let r = values.count
    guard let c = values.compactMap({ $0 }).first?.shape[1] else {
        throw AclaError.internal("aggregateKeys needs at least one active source")
    }
    guard logits.shape[1] == r * keys, offsets.shape == [n, 2 * r * keys, h, w] else {
        throw AclaError.shape("attention logits \(logits.shape) / offsets \(offsets.shape) do not fit \(r) sources of \(keys) keys")
    }
    try checkSources(values, channels: c, n: n, h: h, w: w, "value map")
    if let mask { try mask.value.requireShape(logits.shape, "key mask") }
    try requireClosed(values: values, mask: mask, keys: keys)
    let hw = h * w
    let size = try KeyKernelSizes(n: n, c: c, h: h, w: w, r: r, keys: keys)
    let buffer = try SourceBuffer(values.map { $0?.value }, channelsLast: true)
    var gathered: Int64 = 0
    var rc: Int32 = 0
    let threads = Threads.count
    // The kernel writes every channel of every pixel, and the transpose every element: neither
    // buffer needs a zero fill first.
    var yLast = try TensorData.buffer(n * hw * c, zeroed: false)
    let forwardScratch = Int(ak_cla_aggregate_forward_scratch_floats(size.r, size.k, threads))
    rc = try Workspace.withScratch(floats: forwardScratch) { sp in
        yLast.withUnsafeMutableBufferPointer { yp in
            buffer.withPointers { vp in
                offsets.value.data.withUnsafeBufferPointer { op in
                    logits.value.data.withUnsafeBufferPointer { lp in
                        withOptionalBuffer(mask?.value.data) { mp in
                            ak_cla_aggregate_forward(vp, size.r, size.k, size.n, size.c, size.h, size.w,
                                                     op.baseAddress, lp.baseAddress, mp, yp.baseAddress, nil,
                                                     &gathered, sp, threads)
                        }
                    }
                }
            }
        }
    }
    guard rc == 0 else { throw AclaError.internal("key aggregation was given no scratch") }
    var y = try Tensor(uninitialized: [n, c, h, w])
    y.data.withUnsafeMutableBufferPointer { dst in
        yLast.withUnsafeBufferPointer { ak_nhwc_to_nchw($0.baseAddress, size.n, size.c, hw, dst.baseAddress, threads) }
    }
    var parents = [offsets, logits] + values.compactMap { $0 }
    if let mask { parents.append(mask) }
    let output = Variable.result(y, parents: parents) { dy in
        var dyLast = try TensorData.buffer(dy.count, zeroed: false)
        dy.data.withUnsafeBufferPointer { src in
            dyLast.withUnsafeMutableBufferPointer { ak_nchw_to_nhwc(src.baseAddress, size.n, size.c, hw, $0.baseAddress, threads) }
        }
        var dvalues = try SourceBuffer(zeroLike: buffer)
        var doff: Tensor? = offsets.requiresGrad ? try Tensor(checkedZeros: offsets.shape) : nil
        var dlog: Tensor? = logits.requiresGrad ? try Tensor(checkedZeros: logits.shape) : nil
        var dmask: Tensor? = (mask?.requiresGrad ?? false) ? try Tensor(checkedZeros: logits.shape) : nil
        if dmask != nil, values.contains(where: { $0 == nil }) {
            throw AclaError.internal("the mask gradient needs every source's values")
        }
        let backwardScratch = Int(ak_cla_aggregate_backward_scratch_floats(size.r, size.k, size.h, size.w, threads))
        let status = try Workspace.withScratch(floats: backwardScratch) { sp in buffer.withPointers { vp in
            dvalues.withMutablePointers { dvp in
                withOptionalMutableBuffer(&doff) { dop in
                    withOptionalMutableBuffer(&dlog) { dlp in
                        withOptionalMutableBuffer(&dmask) { dmp in
                            offsets.value.data.withUnsafeBufferPointer { op in
                                logits.value.data.withUnsafeBufferPointer { lp in
                                    withOptionalBuffer(mask?.value.data) { mp in
                                        dyLast.withUnsafeBufferPointer { gp in
                                            ak_cla_aggregate_backward(vp, size.r, size.k, size.n, size.c, size.h, size.w,
                                                                      op.baseAddress, lp.baseAddress, mp, gp.baseAddress,
                                                                      dvp, dop, dlp, dmp, sp, threads)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } }
        guard status == 0 else { throw AclaError.internal("key aggregation backward was given no scratch") }
        var grads: [Tensor?] = [doff, dlog]
        for s in values.indices where values[s] != nil {
            grads.append(try dvalues.tensor(s, shape: [n, c, h, w], channelsLast: true))
        }
        if mask != nil { grads.append(dmask) }
        return grads
    }
    return AggregatedKeys(output: output, gathered: gathered)
}

/// A nil source is never read by the kernel: every one of its keys must be closed.
private func requireClosed(values: [Variable?], mask: Variable?, keys: Int) throws {
    try requireClosed(present: values.map { $0 != nil }, mask: mask?.value, keys: keys)
}

/// A source that is not present (switched off) is never read: every one of its keys must be closed.
func requireClosed(present: [Bool], mask: Tensor?, keys: Int) throws {
    guard present.contains(false) else { return }
    guard let mask else { throw AclaError.internal("a switched-off source needs a key mask") }
    let (n, hw) = (mask.shape[0], mask.shape[2] * mask.shape[3])
    let q = mask.shape[1]
    for s in present.indices where !present[s] {
        for b in 0..<n {
            for k in 0..<keys {
                let base = (b * q + s * keys + k) * hw
                for i in 0..<hw where mask.data[base + i] > 0 {
                    throw AclaError.internal("source \(s) is switched off but key \(k) is open")
                }
            }
        }
    }
}
