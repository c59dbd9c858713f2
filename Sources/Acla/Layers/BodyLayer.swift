/// One layer of a backbone body that attention can follow (an EDSR residual block, an RCAN
/// residual group): features in, features of the same shape out.
public protocol BodyLayer {
    func callAsFunction(_ x: Variable) throws -> Variable
}
