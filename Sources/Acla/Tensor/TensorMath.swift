/// Element-wise helpers the ops are written with (tight loops over unsafe buffers).
extension Tensor {
    public func map(_ f: (Float) -> Float) -> Tensor {
        var r = self
        r.data.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = f(p[i]) }
        }
        return r
    }

    public func zipMap(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        var r = self
        r.data.withUnsafeMutableBufferPointer { p in
            other.data.withUnsafeBufferPointer { q in
                for i in 0..<p.count { p[i] = f(p[i], q[i]) }
            }
        }
        return r
    }

    public func sum() -> Double {
        data.withUnsafeBufferPointer { p in
            var s = 0.0
            for v in p { s += Double(v) }
            return s
        }
    }
}

func requireSameShape(_ a: Variable, _ b: Variable, _ op: String) throws {
    guard a.shape == b.shape else {
        throw AclaError.shape("\(op): operand shapes differ: \(a.shape) and \(b.shape)")
    }
}

func requireNCHW(_ v: Variable, _ what: String) throws {
    guard v.shape.count == 4 else { throw AclaError.shape("\(what) must be NCHW (rank 4), got shape \(v.shape)") }
}
