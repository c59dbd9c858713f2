/// What a module needs to know about the forward pass it runs in.
struct AttentionPass {
    let context: ForwardContext
    /// The supernet's layer gates s (length L) sampled for this pass, else nil.
    let layerGates: Variable?
    let probe: ProbePixel?
    let memoryLimitBytes: Int
}

/// One module inserted after a backbone layer (CLA/ACLA, NL/CLNL, SE).
protocol AttentionModule: AnyObject {
    var position: Int { get }
    /// R_j, in order; the module's own layer is last.
    var sourceLayers: [Int] { get }
    var statistics: AttentionModuleStatistics { get }
    /// z = A(x); `sources[s]` is the pre-attention map of `sourceLayers[s]` (the last is x).
    func forward(_ x: Variable, sources: [Variable], pass: AttentionPass) throws -> Variable
    /// Dense upper-bound MACs on an h x w feature map.
    func macs(height: Int, width: Int) -> UInt64
}

func requireFeatures(_ x: Variable, channels: Int, _ what: String) throws {
    try requireNCHW(x, what)
    guard x.shape[1] == channels else {
        throw AclaError.shape("\(what) must have \(channels) channels, got shape \(x.shape)")
    }
}
