/// EDSR's ResBlock: conv, ReLU, conv, scaled by `res_scale`, plus the input
/// (`body.{i}.body.0`, `body.{i}.body.2`).
public struct ResidualBlock: BodyLayer {
    public let conv1: Conv2dLayer
    public let conv2: Conv2dLayer
    public let resScale: Float

    public init(conv1: Conv2dLayer, conv2: Conv2dLayer, resScale: Float) {
        self.conv1 = conv1
        self.conv2 = conv2
        self.resScale = resScale
    }

    /// conv2(relu(conv1(x))) * res_scale + x, with the ReLU and the scaled skip fused into the
    /// convolutions' epilogues (same bits as the separate ops).
    public func callAsFunction(_ x: Variable) throws -> Variable {
        try conv2(conv1(x, epilogue: .relu), epilogue: .residual(x, scale: resScale))
    }
}
