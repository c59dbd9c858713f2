/// The cost of one CLA/ACLA module (ATTENTION.md section 5), written once: the dense count, the
/// measured count of a pass and the search's differentiable cost are all
/// `output + sum over active sources l of (perSource + perKey * keys gathered from l)`, with
/// N pixels, C channels and K keys per source:
/// - output: the out conv, N C^2;
/// - perSource: the offset/logit rows 3KNC, the value conv NC^2, and for ACLA the gate conv NC
///   and the 4 bilinear MACs of sampling each key's gate 4KN;
/// - perKey: 5C per gathered key (4 taps and 1 weighted add per channel).
struct CrossLayerCost {
    let pixels: Int
    let channels: Int
    let keys: Int
    let gated: Bool

    var output: [Int] { [pixels, channels, channels] }

    func perSource() throws -> UInt64 {
        let (n, c, k) = (pixels, channels, keys)
        var terms = [try MacCount.product(3, k, n, c), try MacCount.product(n, c, c)]
        if gated { terms += [try MacCount.product(n, c), try MacCount.product(4, k, n)] }
        return try MacCount.sum(terms)
    }

    var perKey: Int { 5 * channels }

    /// Every gate open on `sources` sources.
    func dense(sources: Int) throws -> UInt64 {
        let one = try MacCount.sum(perSource(), MacCount.product(perKey, keys, pixels))
        return try MacCount.sum(MacCount.product(output), MacCount.times(one, sources))
    }

    /// What a pass executed: `activeSources` sources computed, `gatheredPerImage` keys sampled.
    func measured(activeSources: Int, gatheredPerImage: UInt64) throws -> UInt64 {
        try MacCount.sum([MacCount.product(output), MacCount.times(perSource(), activeSources),
                          MacCount.times(gatheredPerImage, perKey)])
    }

    /// The same terms as floating point, for the search's differentiable cost.
    var outputValue: Double { Double(pixels) * Double(channels) * Double(channels) }
    var perSourceValue: Double {
        let (n, c, k) = (Double(pixels), Double(channels), Double(keys))
        return 3 * k * n * c + n * c * c + (gated ? n * c + 4 * k * n : 0)
    }
    var perKeyValue: Double { Double(perKey) }
}
