extension Variable {
    /// Back-propagates from this variable. `gradient` defaults to ones (a scalar loss). Leaves that
    /// require gradients accumulate into `grad`; a variable used by several consumers receives
    /// the sum of their contributions.
    public func backward(gradient: Tensor? = nil) throws {
        let seed = gradient ?? Tensor(shape: value.shape, repeating: 1)
        try seed.requireShape(value.shape, "backward seed gradient")
        let order = topologicalOrder()
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
        for node in order.reversed() {
            guard let g = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
            guard let fn = node.backwardFn else {
                if node.requiresGrad { try node.accumulateGradient(g) }
                continue
            }
            let parentGrads = try fn(g)
            guard parentGrads.count == node.parents.count else {
                throw AclaError.internal("an op returned \(parentGrads.count) gradients for \(node.parents.count) inputs")
            }
            for (parent, pg) in zip(node.parents, parentGrads) {
                guard parent.requiresGrad, let pg else { continue }
                // A wrongly shaped gradient from an op would otherwise be summed out of bounds.
                guard pg.shape == parent.shape else {
                    throw AclaError.internal("an op returned a gradient of shape \(pg.shape) for an input of shape \(parent.shape)")
                }
                let key = ObjectIdentifier(parent)
                pending[key] = try pending[key].map { try Variable.sum($0, pg) } ?? pg
            }
        }
    }

    /// Parents before children; iterative so deep networks cannot overflow the stack.
    private func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Variable, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for p in node.parents where p.requiresGrad && !visited.contains(ObjectIdentifier(p)) {
                stack.append((p, false))
            }
        }
        return order
    }

    static func sum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        var r = try Tensor(uninitialized: a.shape)
        r.data.withUnsafeMutableBufferPointer { rp in
            a.data.withUnsafeBufferPointer { ap in
                b.data.withUnsafeBufferPointer { bp in
                    for i in 0..<rp.count { rp[i] = ap[i] + bp[i] }
                }
            }
        }
        return r
    }
}
