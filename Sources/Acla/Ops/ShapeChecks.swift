/// Operand checks shared by the ops (they live with the ops, above Tensor and Autograd).
func requireSameShape(_ a: Variable, _ b: Variable, _ op: String) throws {
    guard a.shape == b.shape else {
        throw AclaError.shape("\(op): operand shapes differ: \(a.shape) and \(b.shape)")
    }
}

func requireNCHW(_ v: Variable, _ what: String) throws {
    guard v.shape.count == 4 else { throw AclaError.shape("\(what) must be NCHW (rank 4), got shape \(v.shape)") }
}
