import AclaKernels

/// What a convolution does to its output in the same sweep, after the bias (C: ak_conv_epilogue).
/// The values are bit-identical to the separate ops: `.relu` is `relu(conv(x))`, `.residual(r, s)`
/// is `add(scale(conv(x), by: s), r)` (EDSR's `res_scale`; `s == 1` skips nothing but is exact).
public enum ConvolutionEpilogue {
    case none
    case relu
    case residual(Variable, scale: Float)

    var residual: Variable? {
        if case .residual(let r, _) = self { return r }
        return nil
    }

    func check(outputShape: [Int]) throws {
        if let r = residual, r.shape != outputShape {
            throw AclaError.shape("conv2d residual must have the output's shape \(outputShape), got \(r.shape)")
        }
    }

    /// The kernel's description; the residual pointer stays valid only inside `body`.
    func withKernelEpilogue<R>(_ body: (UnsafePointer<ak_conv_epilogue>?) throws -> R) rethrows -> R {
        switch self {
        case .none:
            return try body(nil)
        case .relu:
            var ep = ak_conv_epilogue(relu: 1, residual: nil, residual_scale: 1)
            return try body(&ep)
        case .residual(let r, let s):
            return try r.value.data.withUnsafeBufferPointer { rp in
                var ep = ak_conv_epilogue(relu: 0, residual: rp.baseAddress, residual_scale: s)
                return try body(&ep)
            }
        }
    }

    /// The gradient of the fused output `y` mapped back to the convolution's own output and to
    /// the residual, exactly as the separate ops' backward passes compute them.
    func backward(_ dy: Tensor, output y: Tensor) throws -> (conv: Tensor, residual: Tensor?) {
        switch self {
        case .none:
            return (dy, nil)
        case .relu:
            // y = relu(z) > 0 exactly where z > 0, so the output carries the mask
            return (try dy.zipMap(y) { g, v in v > 0 ? g : 0 }, nil)
        case .residual(_, let s):
            return (s == 1 ? dy : try dy.map { $0 * s }, dy)
        }
    }
}
