/// EDSR (Lim et al. 2017): `blocks` residual blocks (conv, ReLU, conv, scaled by `res_scale`),
/// then one closing convolution. EDSR-PyTorch's names: `body.i.body.0/2`, `body.<blocks>`.
public struct EDSRBackbone: BackboneDefinition {
    public init() {}
    public var name: String { "edsr" }
    public var layerKey: String { "blocks" }
    public var defaultBlocks: Int { 16 }
    public func layers(_ c: ModelConfig) -> Int { c.blocks }
    public func validate(_ c: ModelConfig) throws {}

    public func writeBodyKeys(_ c: ModelConfig, into o: inout JSONObject) {
        o["blocks"] = .integer(c.blocks)
        o["features"] = .integer(c.features)
        o["res_scale"] = .number(c.resScale)
    }

    public func bodyConvolutions(_ c: ModelConfig) -> [ConvolutionSpec] {
        let f = c.features
        return (0..<c.blocks).flatMap { i in
            [ConvolutionSpec.body("body.\(i).body.0", f, f, kernel: 3), .body("body.\(i).body.2", f, f, kernel: 3)]
        } + [.body(bodyConvolutionName(c), f, f, kernel: 3)]
    }

    public func bodyConvolutionName(_ c: ModelConfig) -> String { "body.\(c.blocks)" }

    public func makeBody(_ c: ModelConfig, convolution conv: (String) throws -> Conv2dLayer) throws -> [BodyLayer] {
        try (0..<c.blocks).map { i in
            ResidualBlock(conv1: try conv("body.\(i).body.0"), conv2: try conv("body.\(i).body.2"),
                          resScale: Float(c.resScale))
        }
    }

    public func bodySummary(_ c: ModelConfig) -> String {
        "body: \(c.blocks) residual blocks x \(c.features) features, res_scale \(c.resScale); L = \(c.layers) layers"
    }
}
