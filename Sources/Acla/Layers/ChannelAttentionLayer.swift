/// RCAN's CALayer: global average pool, 1x1 conv F -> F/r, ReLU, 1x1 conv F/r -> F, sigmoid,
/// then the input scaled per channel (`conv_du.0`, `conv_du.2`).
public struct ChannelAttentionLayer {
    public let down: Conv2dLayer
    public let up: Conv2dLayer

    public init(down: Conv2dLayer, up: Conv2dLayer) {
        self.down = down
        self.up = up
    }

    /// `residual`: also adds it, in the same pass (RCAB's skip).
    public func callAsFunction(_ x: Variable, adding residual: Variable? = nil) throws -> Variable {
        let s = try sigmoid(try up(relu(down(globalAveragePool(x)))))
        return try channelScale(x, s, adding: residual)
    }
}
