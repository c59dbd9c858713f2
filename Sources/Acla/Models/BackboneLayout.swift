/// One convolution of a backbone: its checkpoint name, size, where it runs and how it starts.
public struct ConvolutionSpec: Equatable, Sendable {
    public enum Resolution: Equatable, Sendable {
        /// On the input map enlarged `factor` times (1 before the upsampler).
        case image(factor: Int)
        /// On a 1x1 pooled map (RCAN's channel attention).
        case pooled
    }

    public enum Initialization: Equatable, Sendable {
        /// PyTorch's Conv2d default, from the model's generator.
        case pytorchDefault
        /// MeanShift: identity weight, bias sign * 255 * RGB mean (no random numbers drawn).
        case meanShift(sign: Float)
    }

    public let name: String
    public let inChannels: Int
    public let outChannels: Int
    public let kernel: Int
    public let resolution: Resolution
    public let initialization: Initialization

    public var weightShape: [Int] { [outChannels, inChannels, kernel, kernel] }
    public var parameterCount: Int { outChannels * inChannels * kernel * kernel + outChannels }

    /// Multiply-accumulates on an input of height x width (overflow is an error, not a trap).
    public func macs(height: Int, width: Int) throws -> UInt64 {
        let pixels: [Int]
        switch resolution {
        case .image(let f): pixels = [height, width, f, f]
        case .pooled: pixels = [1]
        }
        return try MacCount.product(pixels + [inChannels, outChannels, kernel, kernel])
    }
}

/// Every convolution of a backbone in registry order (EDSR-PyTorch's state_dict order:
/// sub_mean, add_mean, head, body (the backbone's definition), tail), computed from the config alone: parameter counts, MACs
/// and the size limit need no allocation, and the Network is built from the same list.
public struct BackboneLayout: Sendable {
    public let convolutions: [ConvolutionSpec]

    public init(config c: ModelConfig) {
        var specs: [ConvolutionSpec] = []
        let f = c.features
        func conv(_ name: String, _ cin: Int, _ cout: Int, _ k: Int, _ res: ConvolutionSpec.Resolution = .image(factor: 1)) {
            specs.append(ConvolutionSpec(name: name, inChannels: cin, outChannels: cout, kernel: k,
                                         resolution: res, initialization: .pytorchDefault))
        }
        if c.isSuperResolution {
            for (name, sign, factor) in [("sub_mean", Float(-1), 1), ("add_mean", Float(1), c.scale)] {
                specs.append(ConvolutionSpec(name: name, inChannels: 3, outChannels: 3, kernel: 1,
                                             resolution: .image(factor: factor), initialization: .meanShift(sign: sign)))
            }
        }
        conv("head.0", c.channels, f, 3)
        specs += c.backbone.definition.bodyConvolutions(c)
        if c.isSuperResolution {
            for (i, stage) in BackboneLayout.upsamplerStages(scale: c.scale).enumerated() {
                conv("tail.0.\(2 * i)", f, stage.factor * stage.factor * f, 3, .image(factor: stage.inputFactor))
            }
            conv("tail.1", f, c.channels, 3, .image(factor: c.scale))
        } else {
            conv("tail.0", f, c.channels, 3)
        }
        convolutions = specs
    }

    /// EDSR-PyTorch's Upsampler: log2(scale) stages of (conv F -> 4F, PixelShuffle(2)) for powers
    /// of two, one stage of (conv F -> 9F, PixelShuffle(3)) for 3. `inputFactor` is the stage's
    /// map size relative to the input.
    public static func upsamplerStages(scale: Int) -> [(factor: Int, inputFactor: Int)] {
        switch scale {
        case 3: return [(3, 1)]
        case 4: return [(2, 1), (2, 2)]
        case 2: return [(2, 1)]
        default: return []
        }
    }

    public var parameterCount: Int { convolutions.reduce(0) { $0 + $1.parameterCount } }

    /// Convolution multiply-accumulates for one input image of height x width.
    public func macs(height: Int, width: Int) throws -> UInt64 {
        try convolutions.reduce(0) { try MacCount.sum($0, $1.macs(height: height, width: width)) }
    }
}
