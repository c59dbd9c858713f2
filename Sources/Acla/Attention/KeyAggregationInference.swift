import AclaKernels

/// `aggregateKeys` for inference, when nothing is recorded for a backward pass: the value maps
/// are computed (`value(s)`, NCHW) and gathered one source at a time, so only one channels-last
/// copy exists at once instead of r, and each map is gathered while it is still in cache. The
/// result is bit-identical to `aggregateKeys` (same sums in the same order: cla_aggregate_stream.c).
/// `present[s]` false: source s is switched off, `value` is not called for it and its keys must
/// all be closed (checked). `weightSums`: also return sum_k a_k rho_k, rho_k the in-map share of
/// key k's corner weights (what a bias of the gathered maps would have contributed).
func aggregateKeysForInference(present: [Bool], channels c: Int, offsets: Tensor, logits: Tensor,
                               mask: Tensor?, keys: Int, weightSums: Bool = false,
                               value: (Int) throws -> Tensor) throws -> AggregatedKeys {
    guard logits.rank == 4 else { throw AclaError.shape("attention logits must be NCHW, got \(logits.shape)") }
    let (n, h, w) = (logits.shape[0], logits.shape[2], logits.shape[3])
    let r = present.count
    guard present.contains(true) else { throw AclaError.internal("aggregateKeys needs at least one active source") }
    guard logits.shape[1] == r * keys, offsets.shape == [n, 2 * r * keys, h, w] else {
        throw AclaError.shape("attention logits \(logits.shape) / offsets \(offsets.shape) do not fit \(r) sources of \(keys) keys")
    }
    if let mask { try mask.requireShape(logits.shape, "key mask") }
    try requireClosed(present: present, mask: mask, keys: keys)
    let hw = h * w
    let size = try KeyKernelSizes(n: n, c: c, h: h, w: w, r: r, keys: keys)
    let threads = Threads.count
    let count = try CheckedSize.product([n, c, h, w])
    var gathered: Int64 = 0
    var status: Int32 = 0
    // Every element of these buffers is written before it is read: no zero fill.
    var weights = try TensorData.buffer(logits.count, zeroed: false)
    var yLast = try TensorData.buffer(count, zeroed: false)
    var valuesLast = try TensorData.buffer(count, zeroed: false)
    var sums = weightSums ? try Tensor(uninitialized: [n, 1, h, w], what: "key weight sums") : nil
    // One scratch for both kernels (each is done with it when it returns).
    let scratchFloats = max(Int(ak_cla_key_weights_scratch_floats(size.r * size.k, threads)),
                            Int(ak_cla_aggregate_source_scratch_floats(size.k, threads)))
    try Workspace.withScratch(floats: scratchFloats) { sp in
        weights.withUnsafeMutableBufferPointer { ap in
            logits.data.withUnsafeBufferPointer { lp in
                withOptionalBuffer(mask?.data) { mp in
                    status = ak_cla_key_weights(lp.baseAddress, mp, size.r * size.k, size.n, hw, ap.baseAddress,
                                                &gathered, sp, threads)
                }
            }
        }
        guard status == 0 else { throw AclaError.internal("key weights were given no scratch") }
        var first = true
        for s in 0..<r where present[s] {
            let v = try value(s)
            try v.requireShape([n, c, h, w], "value map")
            v.data.withUnsafeBufferPointer { src in
                valuesLast.withUnsafeMutableBufferPointer {
                    ak_nchw_to_nhwc(src.baseAddress, size.n, size.c, hw, $0.baseAddress, threads)
                }
            }
            status = valuesLast.withUnsafeBufferPointer { vp in
                offsets.data.withUnsafeBufferPointer { op in
                    weights.withUnsafeBufferPointer { ap in
                        yLast.withUnsafeMutableBufferPointer { yp in
                            withOptionalMutableBuffer(&sums) { rp in
                                ak_cla_aggregate_source(vp.baseAddress, Int32(s), size.r, size.k, size.n, size.c, size.h,
                                                        size.w, op.baseAddress, ap.baseAddress, first ? 0 : 1,
                                                        yp.baseAddress, rp, sp, threads)
                            }
                        }
                    }
                }
            }
            guard status == 0 else { throw AclaError.internal("key aggregation was given no scratch") }
            first = false
        }
    }
    var y = try Tensor(uninitialized: [n, c, h, w])
    y.data.withUnsafeMutableBufferPointer { dst in
        yLast.withUnsafeBufferPointer { ak_nhwc_to_nchw($0.baseAddress, size.n, size.c, hw, dst.baseAddress, threads) }
    }
    return AggregatedKeys(output: Variable(y), gathered: gathered, weightSums: sums)
}
