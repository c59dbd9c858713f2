/// EDSR-PyTorch's Upsampler (`tail.0`): stages of a conv F -> r*r*F then PixelShuffle(r);
/// x2 and x4 use r = 2 once or twice (`tail.0.0`, `tail.0.2`), x3 uses r = 3 once.
public struct Upsampler {
    public let stages: [(conv: Conv2dLayer, factor: Int)]

    public init(stages: [(conv: Conv2dLayer, factor: Int)]) {
        self.stages = stages
    }

    public func callAsFunction(_ x: Variable) throws -> Variable {
        var y = x
        for stage in stages { y = try pixelShuffle(stage.conv(y), factor: stage.factor) }
        return y
    }
}
