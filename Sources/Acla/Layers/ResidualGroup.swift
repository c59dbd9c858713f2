/// RCAN's ResidualGroup: B RCABs, a closing conv (`body.{g}.body.{B}`), plus the group's input.
public struct ResidualGroup: BodyLayer {
    public let blocks: [ResidualChannelAttentionBlock]
    public let conv: Conv2dLayer

    public init(blocks: [ResidualChannelAttentionBlock], conv: Conv2dLayer) {
        self.blocks = blocks
        self.conv = conv
    }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        var r = x
        for block in blocks { r = try block(r) }
        return try conv(r, epilogue: .residual(x, scale: 1))
    }
}
