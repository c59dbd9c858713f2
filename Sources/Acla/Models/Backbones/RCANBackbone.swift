/// RCAN (Zhang et al. 2018): `groups` residual groups of `blocks` RCABs (conv, ReLU, conv,
/// channel attention squeezing by `reduction`) and a group convolution, then one closing
/// convolution. RCAN-PyTorch's names: `body.g.body.b.body.0/2/3.conv_du.0/2`, `body.g.body.<blocks>`.
public struct RCANBackbone: BackboneDefinition {
    public init() {}
    public var name: String { "rcan" }
    public var layerKey: String { "groups" }
    public var defaultBlocks: Int { 20 }
    public func layers(_ c: ModelConfig) -> Int { c.groups }

    public func validate(_ c: ModelConfig) throws {
        guard c.resScale == 1 else {
            throw AclaError.invalidArgument("model config: \"res_scale\" applies to EDSR only (RCAN's blocks are unscaled), got \(c.resScale)")
        }
        guard c.features / c.reduction >= 1 else {
            throw AclaError.invalidArgument("model config: \"reduction\" must not exceed features (\(c.features)) for RCAN's channel attention, got \(c.reduction)")
        }
    }

    public func writeBodyKeys(_ c: ModelConfig, into o: inout JSONObject) {
        o["groups"] = .integer(c.groups)
        o["blocks"] = .integer(c.blocks)
        o["features"] = .integer(c.features)
        o["reduction"] = .integer(c.reduction)
    }

    private func blockPrefix(_ g: Int, _ b: Int) -> String { "body.\(g).body.\(b).body" }

    public func bodyConvolutions(_ c: ModelConfig) -> [ConvolutionSpec] {
        let f = c.features, squeezed = max(c.features / c.reduction, 1)
        var specs: [ConvolutionSpec] = []
        for g in 0..<c.groups {
            for b in 0..<c.blocks {
                let p = blockPrefix(g, b)
                specs += [.body(p + ".0", f, f, kernel: 3), .body(p + ".2", f, f, kernel: 3),
                          .body(p + ".3.conv_du.0", f, squeezed, kernel: 1, resolution: .pooled),
                          .body(p + ".3.conv_du.2", squeezed, f, kernel: 1, resolution: .pooled)]
            }
            specs.append(.body("body.\(g).body.\(c.blocks)", f, f, kernel: 3))
        }
        return specs + [.body(bodyConvolutionName(c), f, f, kernel: 3)]
    }

    public func bodyConvolutionName(_ c: ModelConfig) -> String { "body.\(c.groups)" }

    public func makeBody(_ c: ModelConfig, convolution conv: (String) throws -> Conv2dLayer) throws -> [BodyLayer] {
        try (0..<c.groups).map { g in
            let blocks = try (0..<c.blocks).map { b in
                let p = blockPrefix(g, b)
                return ResidualChannelAttentionBlock(
                    conv1: try conv(p + ".0"), conv2: try conv(p + ".2"),
                    attention: ChannelAttentionLayer(down: try conv(p + ".3.conv_du.0"), up: try conv(p + ".3.conv_du.2")))
            }
            return ResidualGroup(blocks: blocks, conv: try conv("body.\(g).body.\(c.blocks)"))
        }
    }

    public func bodySummary(_ c: ModelConfig) -> String {
        "body: \(c.groups) residual groups x \(c.blocks) RCABs x \(c.features) features, reduction \(c.reduction); L = \(c.layers) layers"
    }
}
