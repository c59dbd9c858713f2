/// Runs the network on one tile tensor, with the self-ensemble when asked: the one place the
/// restore pipeline calls `Network.forward`. Every pass of a restore reuses one `ForwardPass`
/// (its workspace stays warm across tiles of one size), whose `shouldCancel` is checked between
/// body layers, so a cancel does not wait for the end of a large tile.
struct TileForward {
    let network: Network
    let transforms: [DihedralTransform]
    let pass: ForwardPass
    /// Called after every forward pass; throws `AclaError.cancelled` to stop.
    let afterPass: () throws -> Void

    init(network: Network, ensemble: Bool, pass: ForwardPass = ForwardPass(), afterPass: @escaping () throws -> Void) {
        self.network = network
        self.transforms = ensemble ? DihedralTransform.all : [DihedralTransform(code: 0)]
        self.pass = pass
        self.afterPass = afterPass
    }

    /// The model's output for x ([1, C, h, w]), averaged over the transforms.
    func callAsFunction(_ x: Tensor) throws -> Tensor {
        var sum: Tensor?
        for t in transforms {
            let y = try t.inverse.apply(try network.forward(try t.apply(x), pass: pass))
            try afterPass()
            guard var s = sum else {
                sum = y
                continue
            }
            sum = nil   // s holds the only reference: no copy on write
            guard s.shape == y.shape else {
                throw AclaError.internal("ensemble transform \(t) gave shape \(y.shape), expected \(s.shape)")
            }
            s.data.withUnsafeMutableBufferPointer { acc in
                y.data.withUnsafeBufferPointer { v in
                    for i in 0..<acc.count { acc[i] += v[i] }
                }
            }
            sum = s
        }
        guard var result = sum else { throw AclaError.internal("no ensemble transform ran") }
        if transforms.count > 1 {
            let scale = 1 / Float(transforms.count)
            result.data.withUnsafeMutableBufferPointer { acc in
                for i in 0..<acc.count { acc[i] *= scale }
            }
        }
        return result
    }
}
