/// Element-wise helpers the ops are written with (tight loops over unsafe buffers). The result is
/// a new allocation (from the current workspace), so a failed allocation is an error.
extension Tensor {
    public func map(_ f: (Float) -> Float) throws -> Tensor {
        var r = try Tensor(uninitialized: shape)
        r.data.withUnsafeMutableBufferPointer { rp in
            data.withUnsafeBufferPointer { p in
                for i in 0..<p.count { rp[i] = f(p[i]) }
            }
        }
        return r
    }

    public func zipMap(_ other: Tensor, _ f: (Float, Float) -> Float) throws -> Tensor {
        var r = try Tensor(uninitialized: shape)
        r.data.withUnsafeMutableBufferPointer { rp in
            data.withUnsafeBufferPointer { p in
                other.data.withUnsafeBufferPointer { q in
                    for i in 0..<p.count { rp[i] = f(p[i], q[i]) }
                }
            }
        }
        return r
    }

    /// Applies `f` to the elements in place (no allocation when this value owns its storage).
    public mutating func update(_ f: (Float) -> Float) {
        data.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = f(p[i]) }
        }
    }

    public func sum() -> Double {
        data.withUnsafeBufferPointer { p in
            var s = 0.0
            for v in p { s += Double(v) }
            return s
        }
    }
}
