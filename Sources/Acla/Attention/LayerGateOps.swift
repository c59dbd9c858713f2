// The search supernet's layer gates s_l in a module (ATTENTION.md section 5): they scale the
// masks of the keys read from layer l (eq. 11) and the module's own output.

/// M[b, s*K + k] = gates[sourceLayers[s] - 1] * (m?[b, s*K + k] ?? 1): the effective key mask.
/// Without m (CLA) every key's own mask is 1. `shape` is the mask's [n, r*K, h, w].
func effectiveMask(_ m: Variable?, layerGates: Variable, sourceLayers: [Int], keys: Int,
                   shape: [Int]) throws -> Variable {
    let (n, q, hw) = (shape[0], shape[1], shape[2] * shape[3])
    guard q == sourceLayers.count * keys else { throw AclaError.internal("mask shape \(shape) for \(sourceLayers.count) sources") }
    if let m { try m.value.requireShape(shape, "key mask") }
    let gate = sourceLayers.map { layerGates.value.data[$0 - 1] }
    var out = m?.value ?? Tensor(shape: shape, repeating: 1)
    out.data.withUnsafeMutableBufferPointer { p in
        for b in 0..<n {
            for ch in 0..<q {
                let g = gate[ch / keys], base = (b * q + ch) * hw
                for i in base..<(base + hw) { p[i] *= g }
            }
        }
    }
    let parents = m.map { [layerGates, $0] } ?? [layerGates]
    return Variable.result(out, parents: parents) { dM in
        var dgates = try Tensor(checkedZeros: layerGates.shape)
        var dm = try m.map { _ in try Tensor(checkedZeros: shape) }
        for b in 0..<n {
            for ch in 0..<q {
                let s = ch / keys, base = (b * q + ch) * hw
                var acc = 0.0
                for i in base..<(base + hw) {
                    let own = m?.value.data[i] ?? 1
                    acc += Double(dM.data[i] * own)
                    dm?.data[i] = dM.data[i] * gate[s]
                }
                dgates.data[sourceLayers[s] - 1] += Float(acc)
            }
        }
        return m == nil ? [dgates] : [dgates, dm]
    }
}

/// z = x + gates[index] * o: a module's output scaled by its own layer gate s_j.
func addGated(_ x: Variable, _ o: Variable, layerGates: Variable, index: Int) throws -> Variable {
    try requireSameShape(x, o, "gated attention output")
    let g = layerGates.value.data[index]
    let z = try x.value.zipMap(o.value) { $0 + g * $1 }
    return Variable.result(z, parents: [x, o, layerGates]) { dz in
        var dg = try Tensor(checkedZeros: layerGates.shape)
        dg.data[index] = Float(dz.data.indices.reduce(0.0) { $0 + Double(dz.data[$1] * o.value.data[$1]) })
        return [dz, try dz.map { $0 * g }, dg]
    }
}
