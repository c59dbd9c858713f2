extension Network {
    /// The architecture a search found (ATTENTION.md section 5): the same model with attention at
    /// `positions` (default: `{ j : alpha_j >= 0 }`), keeping the supernet's trained weights, the
    /// kept modules' offset/logit convs reduced to the rows of their kept sources. No position
    /// kept gives the plain backbone. The result is then fine-tuned normally.
    public func derivedNetwork(positions: [Int]? = nil) throws -> Network {
        guard let search = attention?.search else {
            throw AclaError.state("only a search supernet (attention.positions \"all\") has a derived network")
        }
        let kept = positions ?? search.derivedPositions
        var config = self.config
        config.attention = kept.isEmpty ? .none : AttentionConfig(kind: config.attention.kind, positions: .list(kept),
                                                                  keys: config.attention.keys)
        let derived = try Network(config: config)
        let values = try search.derivedParameters(positions: kept)
        guard values.map(\.name) == derived.parameters.names else {
            throw AclaError.internal("derived parameters do not match the derived network's registry")
        }
        for (name, value) in values { try derived.parameters[name]?.assign(value) }
        return derived
    }
}
