extension Network {
    /// MACs of the last forward pass per image: the backbone's convolutions at the size that
    /// pass ran on, plus the attention modules counting only the keys they actually gathered.
    /// nil before the first forward pass, and for a model without attention (whose cost does not
    /// depend on the input: `macs(height:width:)` is exact).
    public var measuredMACs: UInt64? {
        get throws {
            guard let attention, let last = attention.statistics.first(where: \.hasRun) else { return nil }
            return try MacCount.sum(layout.macs(height: last.height, width: last.width), attention.measuredMACs)
        }
    }
}
