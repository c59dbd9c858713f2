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

    public func callAsFunction(_ x: Variable) throws -> Variable {
        var r = try conv2(relu(conv1(x)))
        // res_scale 1 is the common case: skip the multiplication rather than multiply by one
        if resScale != 1 { r = try scale(r, by: resScale) }
        return try add(r, x)
    }
}
