/// RCAN's RCAB: conv, ReLU, conv, channel attention, plus the input (no res_scale, as RCAN's code
/// computes it). Names `body.{g}.body.{b}.body.{0,2}` and `.body.3.conv_du.{0,2}`.
public struct ResidualChannelAttentionBlock {
    public let conv1: Conv2dLayer
    public let conv2: Conv2dLayer
    public let attention: ChannelAttentionLayer

    public init(conv1: Conv2dLayer, conv2: Conv2dLayer, attention: ChannelAttentionLayer) {
        self.conv1 = conv1
        self.conv2 = conv2
        self.attention = attention
    }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        // the ReLU runs in conv1's epilogue; the skip cannot (channel attention comes between),
        // so it runs in the channel scaling's pass
        try attention(conv2(conv1(x, epilogue: .relu)), adding: x)
    }
}
