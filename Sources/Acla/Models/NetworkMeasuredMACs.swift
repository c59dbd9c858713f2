extension Network {
    /// MACs of a forward pass per image: the backbone's convolutions at the size that pass ran on,
    /// plus the attention modules counting only the keys they actually gathered. nil when no module
    /// ran in it, and for a model without attention (whose cost does not depend on the input:
    /// `macs(height:width:)` is exact).
    public func measuredMACs(of pass: ForwardPass) throws -> UInt64? {
        try measuredMACs(statistics: pass.statistics)
    }

    /// The same for the record of the last pass that finished on this network.
    public var measuredMACs: UInt64? {
        get throws { try measuredMACs(statistics: attention?.statistics ?? []) }
    }

    private func measuredMACs(statistics: [AttentionModuleStatistics]) throws -> UInt64? {
        guard attention != nil, let last = statistics.first(where: \.hasRun) else { return nil }
        return try MacCount.sum(layout.macs(height: last.height, width: last.width),
                                MacCount.sum(statistics.map(\.measuredMACs)))
    }
}
