import AclaKernels

/// An upper estimate of the memory one forward pass (or one training step) of a network allocates
/// at its peak, from the config and the input size alone, so that a request too large for the
/// memory limit (`MemoryLimit`) is refused before the first allocation instead of failing at the
/// one that does not fit (or, under overcommit, later). Counted: the feature maps alive at once in
/// each phase of the pass (body, each upsampler stage, tail), the attention modules' maps and
/// key bank, the convolution scratch the kernels ask for (`ak_winograd_scratch_floats`,
/// `ak_conv2d_im2col_forward_scratch_floats`) and the Winograd weight cache a first pass builds;
/// a training step keeps every map for the backward pass (`training`). Not counted: the
/// parameters and optimizer state (allocated when the model or trainer is created) and the
/// caller's buffers. `WorkingSetTests` checks it against the measured peak (`TensorMemory`): never
/// below it, and within a small factor above.
public enum WorkingSet {
    /// Bytes for a pass on an n x channels x height x width input.
    public static func forwardBytes(_ network: Network, batch n: Int, height h: Int, width w: Int,
                                    training: Bool) -> Int {
        let c = network.config
        let f = Double(c.features), ch = Double(c.channels)
        let p = Double(n) * Double(h) * Double(w)          // input pixels, all images
        let fp = f * p
        let threads = Int32(clamping: Threads.count)
        let modules = network.attention?.statistics ?? []

        // attention: the key bank (one map per distinct source layer kept) and one module's maps
        let banked = Set(modules.flatMap { $0.sourceLayers.dropLast() }).count
        var attentionPeak = 0.0, attentionAll = 0.0, matrices = 0.0
        for m in modules {
            let r = Double(m.sourceLayers.count), k = Double(m.keys)
            var maps: Double
            switch m.kind {
            case .acla, .cla:
                maps = (3 * k * r + (m.kind == .acla ? r + 2 * k * r : 0)) * p + 5 * fp
            case .nl, .clnl:
                // the N x rN attention matrix: one image's at a time (and its softmax) in
                // evaluation, with the backward's temporaries in training
                let pixels = Double(h) * Double(w)
                let matrix = pixels * pixels * r
                maps = (2 + 2 * r) * fp + (training ? 0 : 2 * matrix)
                if training { matrices += 2 * matrix }
            default:
                maps = 3 * fp
            }
            if training && m.kind != .nl && m.kind != .clnl { maps *= 2 }
            attentionPeak = max(attentionPeak, maps)
            attentionAll += maps
        }
        let bodyBlocks = Double(c.blocks * (c.backbone == .rcan ? c.groups : 1))
        let perBlock = c.backbone == .rcan ? 8.0 : 6.0
        // upsampler stages: x2 and x3 one stage, x4 two x2 stages
        let stages: [Int] = c.scale == 4 ? [2, 2] : (c.scale > 1 ? [c.scale] : [])
        var stagePixels = p, upsamplerPeak = 0.0, upsamplerAll = 0.0, scratch = 0.0, backward = 0.0
        scratch = max(scratch, convScratch(n: n, cin: c.channels, cout: c.features, h: h, w: w, threads: threads))
        scratch = max(scratch, convScratch(n: n, cin: c.features, cout: c.features, h: h, w: w, threads: threads))
        backward = max(backward, backwardScratch(n: n, cin: c.features, cout: c.features, h: h, w: w, threads: threads))
        var (sh, sw) = (h, w)
        for s in stages {
            let out = Double(s * s) * f * stagePixels
            upsamplerPeak = max(upsamplerPeak, f * stagePixels + 2 * out)
            upsamplerAll += 2 * out
            scratch = max(scratch, convScratch(n: n, cin: c.features, cout: c.features * s * s, h: sh, w: sw, threads: threads))
            backward = max(backward, backwardScratch(n: n, cin: c.features, cout: c.features * s * s, h: sh, w: sw, threads: threads))
            (sh, sw) = (sh * s, sw * s)
            backward = max(backward, backwardScratch(n: n, cin: c.features, cout: c.features, h: sh, w: sw, threads: threads))
            stagePixels *= Double(s * s)
        }
        scratch = max(scratch, convScratch(n: n, cin: c.features, cout: c.channels, h: sh, w: sw, threads: threads))
        backward = max(backward, backwardScratch(n: n, cin: c.features, cout: c.channels, h: sh, w: sw, threads: threads))
        let outPixels = stagePixels
        let tail = f * outPixels + 3 * ch * outPixels
        // Winograd F(4x4) weights: 36 / 9 of each 3x3 convolution's weights, built on a first pass
        let winogradWeights = 4.0 * Double(network.parameterCount)
        let floats: Double
        if training {
            // the tape keeps every map; the backward pass adds gradients of about the same size
            let tape = 3 * ch * p + perBlock * bodyBlocks * fp + 4 * fp + Double(banked) * fp + attentionAll
                + upsamplerAll + tail
            floats = 2 * tape + matrices + 2 * scratch + backward + winogradWeights
        } else {
            let base = 2 * ch * p + 2 * fp + Double(banked) * fp
            let body = base + perBlock * fp + attentionPeak
            let phases = max(body, base + upsamplerPeak, base + tail)
            floats = phases + 2 * scratch + winogradWeights
        }
        let bytes = floats * Double(MemoryLayout<Float>.stride)
        return bytes >= Double(Int.max) ? Int.max : Int(bytes)
    }

    /// The weight-gradient scratch (floats) of a 3x3 convolution: Winograd's where the plans
    /// choose it (and its weight gradient is on), else im2col's backward kernel's.
    private static func backwardScratch(n: Int, cin: Int, cout: Int, h: Int, w: Int, threads: Int32) -> Double {
        let (n32, ci, co, h32, w32) = (Int32(clamping: n), Int32(clamping: cin), Int32(clamping: cout),
                                       Int32(clamping: h), Int32(clamping: w))
        let winograd = ConvolutionPlan.automatic(inChannels: cin, outChannels: cout, kernelSize: 3, height: h, width: w,
                                                 level: CPULevel.current).winogradTile != nil
        let floats = winograd && ConvolutionPlan.winogradWeightGradients
            ? ak_winograd_weight_gradient_scratch_floats(n32, ci, co, h32, w32, 4, threads)
            : ak_conv2d_im2col_backward_scratch_floats(ci, h32, w32, 3, 0)
        return Double(max(floats, 0))
    }

    /// The larger of the two kernels' scratch (floats) for a 3x3 convolution of this shape.
    private static func convScratch(n: Int, cin: Int, cout: Int, h: Int, w: Int, threads: Int32) -> Double {
        let (n32, ci, co, h32, w32) = (Int32(clamping: n), Int32(clamping: cin), Int32(clamping: cout),
                                       Int32(clamping: h), Int32(clamping: w))
        let winograd = ak_winograd_scratch_floats(n32, ci, co, h32, w32, 4, 0, threads)
        let im2col = ak_conv2d_im2col_forward_scratch_floats(n32, ci, h32, w32, 3, 0, threads)
        return Double(max(winograd, im2col, 0))
    }
}
