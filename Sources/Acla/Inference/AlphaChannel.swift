/// The alpha channel of a gray+alpha or RGBA input: not restored by the model (no model is
/// trained on alpha), but upscaled with MATLAB bicubic (symmetric boundary) for
/// super-resolution, or copied for the same-resolution tasks. It is the last channel of the
/// output, written after every tile.
public enum AlphaChannel {
    static func write(_ plan: Restorer.Plan, input: UnsafeBufferPointer<UInt8>, output: UnsafeMutableBufferPointer<UInt8>) throws {
        let inStride = plan.layout.inputChannels
        let outStride = plan.layout.outputChannels
        let pixels = plan.height * plan.width
        var alpha = [UInt8](repeating: 0, count: pixels)
        for i in 0..<pixels { alpha[i] = input[i * inStride + inStride - 1] }
        if plan.layout.scale > 1 {
            let plane = try Image8(width: plan.width, height: plan.height, channels: 1, pixels: alpha)
            let resized = try BicubicResize.resize(plane, scale: Double(plan.layout.scale), boundary: .symmetric)
            guard resized.width == plan.outputWidth, resized.height == plan.outputHeight else {
                throw AclaError.internal("alpha resized to \(resized.width) x \(resized.height), expected \(plan.outputWidth) x \(plan.outputHeight)")
            }
            alpha = resized.pixels
        }
        for i in 0..<(plan.outputHeight * plan.outputWidth) { output[i * outStride + outStride - 1] = alpha[i] }
    }

    /// HWC samples of `channels` channels without the last (alpha) one: for outputs that cannot
    /// hold alpha (JPEG).
    public static func dropped(_ pixels: [UInt8], channels: Int) -> [UInt8] {
        guard channels >= 2 else { return pixels }
        var out = [UInt8]()
        out.reserveCapacity(pixels.count / channels * (channels - 1))
        var i = 0
        while i + channels <= pixels.count {
            out.append(contentsOf: pixels[i..<(i + channels - 1)])
            i += channels
        }
        return out
    }
}
