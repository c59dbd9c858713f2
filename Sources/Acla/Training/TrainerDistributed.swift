/// Data-parallel steps: every rank runs the forward and backward on its shard of the global
/// batch, the gradients are summed over the ranks (each weighted by its share of the batch, so
/// the sum is the gradient of the mean loss over the global batch) and every rank applies the
/// same Adam update to the same parameters. Per step, in this order on every rank:
/// 1. the shard sizes and stop votes (world + 1 floats): this rank's offset in the global batch
///    (its samples' Gumbel streams) and the global batch size;
/// 2. after the backward, the gradients of the optimiser's span, in buckets;
/// 3. the two losses (as float pairs, for double precision).
/// In search stage 2 with a cost term, the batch's cost comes between 1 and 2 (costAcrossRanks).
extension Trainer {
    /// Where this rank's samples sit in the step's global batch.
    struct Shard {
        /// Global sample indices of this rank's batch.
        var samples: Range<Int>
        var globalBatch: Int
        var stopRequested: Bool
    }

    func exchangeShard(samples n: Int, stop: Bool, what: String) throws -> Shard {
        guard let comm = communicator else { return Shard(samples: 0..<n, globalBatch: n, stopRequested: stop) }
        guard n >= 1, n < (1 << 24) else {
            throw AclaError.invalidArgument("\(what): a rank's batch must hold 1...\((1 << 24) - 1) samples, got \(n)")
        }
        var counts = [Float](repeating: 0, count: comm.worldSize + 1)
        counts[comm.rank] = Float(n)
        counts[comm.worldSize] = stop ? 1 : 0
        try counts.withUnsafeMutableBufferPointer { try comm.allReduce($0, what: "the shard sizes of \(what)") }
        var offset = 0, total = 0
        for r in 0..<comm.worldSize {
            let c = counts[r]
            guard c.isFinite, c >= 1, c == c.rounded(), c < Float(1 << 24) else {
                throw AclaError.state("\(what): rank \(r) reported a batch of \(c) samples (the all-reduce callback must sum exactly over \(comm.worldSize) ranks)")
            }
            if r < comm.rank { offset += Int(c) }
            total += Int(c)
        }
        return Shard(samples: offset..<(offset + n), globalBatch: total, stopRequested: counts[comm.worldSize] > 0)
    }

    /// The search's cost term is `lambda * log(cost of the whole batch)`: the batch mean of the
    /// cost (linear in each sample's open keys) is all-reduced before the backward, so every rank
    /// differentiates the same log (an extra scalar collective, in stage 2 with `cost_lambda` only).
    func costAcrossRanks(shard: Shard, what: String) -> ((Double) throws -> Double)? {
        guard let comm = communicator else { return nil }
        let share = Double(shard.samples.count) / Double(shard.globalBatch)
        return { cost in try comm.allReduce([cost * share], what: "the search cost of \(what)")[0] }
    }

    /// Weights this rank's gradients by its share of the batch, sums them over the ranks, and
    /// returns the global mean losses.
    func averageAcrossRanks(_ optimizer: Adam, _ reconstruction: Double, _ total: Double, shard: Shard,
                            what: String) throws -> (Double, Double) {
        guard let comm = communicator else { return (reconstruction, total) }
        let share = Double(shard.samples.count) / Double(shard.globalBatch)
        if let first = optimizer.ranges.first, let last = optimizer.ranges.last {
            let span = first.lowerBound..<last.upperBound
            try adapter.arena.withGradients { g in
                let w = Float(share)
                if w != 1 { for i in span { g[i] *= w } }
                guard let base = g.baseAddress else { return }
                try comm.allReduce(UnsafeMutableBufferPointer(start: base + span.lowerBound, count: span.count),
                                   what: "the gradients of \(what)")
            }
        }
        let losses = try comm.allReduce([reconstruction * share, total * share], what: "the losses of \(what)")
        return (losses[0], losses[1])
    }
}
