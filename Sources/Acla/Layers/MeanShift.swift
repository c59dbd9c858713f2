/// EDSR-PyTorch's MeanShift (`sub_mean`, `add_mean`): a 3->3 1x1 convolution with identity
/// weight and bias `sign * 255 * rgbMean`. Its values are ordinary parameters: checkpoints carry
/// them (older RCAN checkpoints trained them), so loading always overwrites these defaults.
public enum MeanShift {
    /// DIV2K's RGB mean, as in EDSR-PyTorch and BasicSR.
    public static let rgbMean: [Double] = [0.4488, 0.4371, 0.4040]
    public static let rgbRange = 255.0

    public static func initialValues(sign: Float) -> (weight: Tensor, bias: Tensor) {
        var w = Tensor(zeros: [3, 3, 1, 1])
        for i in 0..<3 { w.data[i * 3 + i] = 1 }
        var b = Tensor(zeros: [3])
        for i in 0..<3 { b.data[i] = Float(Double(sign) * rgbRange * rgbMean[i]) }
        return (w, b)
    }
}
