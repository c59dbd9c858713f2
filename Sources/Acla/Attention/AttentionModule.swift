/// One module inserted after a backbone layer (CLA/ACLA, NL/CLNL, SE). Modules hold weights and
/// configuration only; what a forward call produces goes into its `ForwardPass` and `record`.
protocol AttentionModule: AnyObject {
    var position: Int { get }
    /// R_j, in order; the module's own layer is last.
    var sourceLayers: [Int] { get }
    /// What the module is (kind, sources, K), with nothing recorded yet.
    var blankStatistics: AttentionModuleStatistics { get }
    /// z = A(x); `sources[s]` is the pre-attention map of `sourceLayers[s]` (the last is x). What
    /// the module did goes into `record` (and, for the search, `pass.keyMasks`).
    func forward(_ x: Variable, sources: [Variable], pass: ForwardPass,
                 record: inout AttentionModuleStatistics) throws -> Variable
    /// Dense upper-bound MACs on an h x w feature map.
    func macs(height: Int, width: Int) throws -> UInt64
}

func requireFeatures(_ x: Variable, channels: Int, _ what: String) throws {
    try requireNCHW(x, what)
    guard x.shape[1] == channels else {
        throw AclaError.shape("\(what) must have \(channels) channels, got shape \(x.shape)")
    }
}
