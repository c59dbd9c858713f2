/// What one backbone contributes to a `Network`: the body between `head.0` and the tail (its
/// convolutions in checkpoint order and the body layers built from them), the config rules and
/// keys that are its own, and how it describes itself. The head, MeanShift, upsampler and tail
/// are shared by every backbone (BackboneLayout, Network).
///
/// A new backbone is one file with a conforming type and one line in `BackboneRegistry.all`.
public protocol BackboneDefinition: Sendable {
    /// The config's `"backbone"` value.
    var name: String { get }
    /// The config key that counts the layers attention can follow (L), for error messages.
    var layerKey: String { get }
    /// `"blocks"` when the config leaves it out.
    var defaultBlocks: Int { get }
    /// L: the layers attention can follow.
    func layers(_ config: ModelConfig) -> Int
    /// Rules of this backbone beyond the common ranges (ModelConfig.validate checks those first).
    func validate(_ config: ModelConfig) throws
    /// The canonical JSON's body keys, from the layer counts through the block options, in order.
    func writeBodyKeys(_ config: ModelConfig, into object: inout JSONObject)
    /// The body's convolutions in registry order; the last one is the body's closing convolution
    /// (`bodyConvolutionName`), whose output is added to the head's.
    func bodyConvolutions(_ config: ModelConfig) -> [ConvolutionSpec]
    func bodyConvolutionName(_ config: ModelConfig) -> String
    /// The body layers 1...L, built from the convolutions of `bodyConvolutions` looked up by name.
    func makeBody(_ config: ModelConfig, convolution: (String) throws -> Conv2dLayer) throws -> [BodyLayer]
    /// One line for `acla info`: the body's size and options.
    func bodySummary(_ config: ModelConfig) -> String
}

extension ConvolutionSpec {
    /// A body convolution on the input-sized map, initialised as PyTorch's Conv2d.
    static func body(_ name: String, _ inChannels: Int, _ outChannels: Int, kernel: Int,
                     resolution: Resolution = .image(factor: 1)) -> ConvolutionSpec {
        ConvolutionSpec(name: name, inChannels: inChannels, outChannels: outChannels, kernel: kernel,
                        resolution: resolution, initialization: .pytorchDefault)
    }
}
