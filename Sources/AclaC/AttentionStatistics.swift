import Acla

// Per-module attention statistics of the last forward pass, the Figure-2 probe and the measured
// cost (include/acla.h, section "Attention").

/// The statistics of module `index`, validated against the model's module count.
private func module(_ network: Network, _ index: Int32) throws -> AttentionModuleStatistics {
    let stats = network.attention?.statistics ?? []
    guard index >= 0, Int(index) < stats.count else {
        throw AclaError.invalidArgument("attention module index \(index) is outside 0..<\(stats.count)")
    }
    return stats[Int(index)]
}

private func ranModule(_ network: Network, _ index: Int32) throws -> AttentionModuleStatistics {
    let s = try module(network, index)
    guard s.hasRun else { throw AclaError.state("attention module \(index) has not run yet: call acla_model_forward first") }
    return s
}

@_cdecl("acla_model_attention_count")
public func acla_model_attention_count(_ model: OpaquePointer?, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    boundary {
        let network = try modelBox(model).network
        try requireNonNull(count, "count").pointee = Int32(clamping: network.attention?.statistics.count ?? 0)
    }
}

@_cdecl("acla_model_attention_module")
public func acla_model_attention_module(_ model: OpaquePointer?, _ index: Int32, _ position: UnsafeMutablePointer<Int32>?,
                                        _ sources: UnsafeMutablePointer<Int32>?, _ keys: UnsafeMutablePointer<Int32>?) -> Int32 {
    boundary {
        let s = try module(modelBox(model).network, index)
        let (p, r, k) = (try requireNonNull(position, "position"), try requireNonNull(sources, "sources"),
                         try requireNonNull(keys, "keys"))
        p.pointee = Int32(clamping: s.position)
        r.pointee = Int32(clamping: s.sourceLayers.count)
        k.pointee = Int32(clamping: s.keys)
    }
}

@_cdecl("acla_model_attention_sources")
public func acla_model_attention_sources(_ model: OpaquePointer?, _ index: Int32, _ layers: UnsafeMutablePointer<Int32>?,
                                         _ cap: Int32, _ count: UnsafeMutablePointer<Int32>?) -> Int32 {
    boundary {
        let s = try module(modelBox(model).network, index)
        try writeInt32s(s.sourceLayers, to: layers, named: "layers", capacity: cap, count: count, what: "source layers of module \(index)")
    }
}

@_cdecl("acla_model_attention_open_fraction")
public func acla_model_attention_open_fraction(_ model: OpaquePointer?, _ index: Int32,
                                               _ fraction: UnsafeMutablePointer<Double>?) -> Int32 {
    boundary {
        let s = try ranModule(modelBox(model).network, index)
        try requireNonNull(fraction, "fraction").pointee = s.openKeyFraction
    }
}

@_cdecl("acla_model_attention_macs")
public func acla_model_attention_macs(_ model: OpaquePointer?, _ index: Int32, _ out: UnsafeMutablePointer<UInt64>?) -> Int32 {
    boundary {
        let s = try ranModule(modelBox(model).network, index)
        try requireNonNull(out, "out").pointee = s.measuredMACs
    }
}

@_cdecl("acla_model_measured_macs")
public func acla_model_measured_macs(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<UInt64>?) -> Int32 {
    boundary {
        let network = try modelBox(model).network
        let out = try requireNonNull(out, "out")
        guard network.attention != nil else {
            throw AclaError.state("the model has no attention modules: its cost does not depend on the input, use acla_model_macs")
        }
        guard let macs = try network.measuredMACs else {
            throw AclaError.state("no forward pass has run on this model yet: call acla_model_forward first")
        }
        out.pointee = macs
    }
}

@_cdecl("acla_model_set_probe")
public func acla_model_set_probe(_ model: OpaquePointer?, _ y: Int32, _ x: Int32) -> Int32 {
    boundary {
        let box = try modelBox(model)
        let network = box.network
        if y == -1, x == -1 {
            box.probe = nil
            return
        }
        guard y >= 0, x >= 0 else {
            throw AclaError.invalidArgument("probe pixel (\(y), \(x)) must be non-negative, or (-1, -1) to switch the probe off")
        }
        guard network.attention != nil else {
            throw AclaError.state("the model has no attention modules to probe")
        }
        box.probe = ProbePixel(y: Int(y), x: Int(x))
    }
}

@_cdecl("acla_model_probe_keys")
public func acla_model_probe_keys(_ model: OpaquePointer?, _ index: Int32, _ sourceLayers: UnsafeMutablePointer<Int32>?,
                                  _ keyY: UnsafeMutablePointer<Float>?, _ keyX: UnsafeMutablePointer<Float>?,
                                  _ weights: UnsafeMutablePointer<Float>?, _ open: UnsafeMutablePointer<UInt8>?,
                                  _ cap: UInt, _ count: UnsafeMutablePointer<UInt>?) -> Int32 {
    boundary {
        let probe = try ranModule(modelBox(model).network, index).probe
        let count = try requireNonNull(count, "count")
        count.pointee = UInt(probe.count)
        guard cap >= UInt(probe.count) else {
            throw AclaError.shape("module \(index) recorded \(probe.count) probed keys, the buffers hold \(cap)")
        }
        for (i, key) in probe.enumerated() {
            sourceLayers?[i] = Int32(clamping: key.sourceLayer)
            keyY?[i] = key.y
            keyX?[i] = key.x
            weights?[i] = key.weight
            open?[i] = key.open ? 1 : 0
        }
    }
}

@_cdecl("acla_model_set_attention_memory_limit")
public func acla_model_set_attention_memory_limit(_ model: OpaquePointer?, _ bytes: UInt64) -> Int32 {
    boundary {
        let box = try modelBox(model)
        guard bytes >= 1 else { throw AclaError.invalidArgument("attention memory limit must be at least 1 byte, got \(bytes)") }
        box.attentionMemoryLimit = Int(clamping: bytes)
    }
}

/// The int32 list protocol: `*count` is always set; a smaller `cap` is ACLA_ERR_SHAPE and writes nothing.
func writeInt32s(_ values: [Int], to buf: UnsafeMutablePointer<Int32>?, named bufName: String, capacity cap: Int32,
                 count: UnsafeMutablePointer<Int32>?, what: String) throws {
    let count = try requireNonNull(count, "count")
    guard Int(cap) >= values.count else {
        count.pointee = Int32(clamping: values.count)
        throw AclaError.shape("\(what): \(values.count) values, the buffer holds \(cap)")
    }
    // a NULL buffer that would have to hold values is an error that leaves *count untouched
    if !values.isEmpty {
        let buf = try requireNonNull(buf, bufName)
        for (i, v) in values.enumerated() { buf[i] = Int32(clamping: v) }
    }
    count.pointee = Int32(clamping: values.count)
}
