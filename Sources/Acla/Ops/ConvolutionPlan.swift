/// How one convolution layer runs: the algorithm for each input shape, the weights prepared for
/// it (Winograd's transformed weights, rebuilt when the weight's `version` changes), and the
/// fused epilogue. Several passes may use one plan at once: the cache is built under a lock,
/// prepared weights are immutable once built, and scratch memory is taken per call.
public final class ConvolutionPlan {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int

    private let lock = Mutex()
    private var winograd: WinogradWeights?
    /// The same for the data gradient: the weight flipped and its channels swapped.
    private var winogradTransposed: WinogradWeights?
    private var override: ConvolutionAlgorithm?
    private var preparationCount = 0

    public init(inChannels: Int, outChannels: Int, kernelSize: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
    }

    /// Forces one algorithm for this layer (tests, benchmarks; nil: chosen per shape). A Winograd
    /// algorithm applies to 3x3 kernels only; other kernels then run im2col.
    public var algorithmOverride: ConvolutionAlgorithm? {
        get { lock.locked { override } }
        set { lock.locked { override = newValue } }
    }

    /// How many times weights were prepared (transformed) for this plan: once per weight version
    /// and tile size in use.
    public var preparations: Int { lock.locked { preparationCount } }

    /// The algorithm this plan runs for an input of `height` x `width` (any batch).
    public func algorithm(height: Int, width: Int) -> ConvolutionAlgorithm {
        let forced = algorithmOverride ?? ConvolutionPlan.processOverride
        if let forced {
            return forced.winogradTile != nil && kernelSize != 3 ? .im2col : forced
        }
        return ConvolutionPlan.automatic(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize,
                                         height: height, width: width, level: CPULevel.current)
    }

    /// The shape rule (measurements in bench/RESULTS.md, "Winograd convolution"): every 3x3
    /// layer whose map holds a whole 4x4 tile runs F(4x4, 3x3) when the CPU has AVX2 (it was
    /// 1.4-3.5x faster than im2col on every EDSR layer shape, head and tail included, and faster
    /// than F(6x6, 3x3) on all but one; its error on EDSR's output was 1e-7 relative L2). On CPUs
    /// without AVX2, OpenBLAS's own kernels behind im2col are the safer bet.
    static func automatic(inChannels cin: Int, outChannels cout: Int, kernelSize k: Int,
                          height h: Int, width w: Int, level: CPULevel) -> ConvolutionAlgorithm {
        guard k == 3, level >= .avx2, h >= 4, w >= 4 else { return .im2col }
        return .winograd4x4
    }

    /// The convolution of `x` with this layer's `weight` and `bias`, then the epilogue; on the
    /// tape when gradients are recorded. The backward runs the reference kernel after a reference
    /// forward; after a Winograd forward the data gradient is a Winograd convolution of dy with
    /// the flipped, transposed weight (a 3x3 convolution again) and the weight and bias
    /// gradients run im2col; otherwise all run im2col.
    /// `destination`: the caller's buffer for the output (exactly its size), written in place.
    public func forward(_ x: Variable, weight: Variable, bias: Variable?, epilogue: ConvolutionEpilogue = .none,
                        into destination: UnsafeMutableBufferPointer<Float>? = nil) throws -> Variable {
        let g = try ConvolutionGeometry(input: x.shape, weight: weight.shape, bias: bias?.shape)
        guard Int(g.cin) == inChannels, Int(g.cout) == outChannels, Int(g.k) == kernelSize else {
            throw AclaError.shape("convolution plan for \(inChannels)->\(outChannels) k\(kernelSize) got weight \(weight.shape)")
        }
        let algorithm = self.algorithm(height: Int(g.h), width: Int(g.w))
        let y: Tensor
        if let tile = algorithm.winogradTile {
            try epilogue.check(outputShape: g.outputShape)
            let u = try winogradWeights(weight, tile: tile, geometry: g)
            y = try winogradForward(x.value, weights: u, bias: bias?.value, geometry: g, epilogue: epilogue,
                                    into: destination)
        } else {
            y = try convolutionForward(x.value, weight: weight.value, bias: bias?.value, geometry: g,
                                       epilogue: epilogue, algorithm: algorithm, bandFloats: 0, into: destination)
        }
        var dataGradient: ((Tensor) throws -> Tensor)?
        if let tile = algorithm.winogradTile {
            dataGradient = { [self] dy in
                let gt = try ConvolutionGeometry(input: dy.shape, weight: [Int(g.cin), Int(g.cout), 3, 3], bias: nil)
                let ut = try winogradWeights(weight, tile: tile, geometry: gt, transposed: true)
                return try winogradForward(dy, weights: ut, bias: nil, geometry: gt, epilogue: .none)
            }
        }
        var weightGradient: ((Tensor) throws -> Tensor)?
        if let tile = algorithm.winogradTile, ConvolutionPlan.winogradWeightGradients {
            let input = x.value
            weightGradient = { dy in try winogradWeightGradient(input, dy: dy, geometry: g, tile: tile) }
        }
        return convolutionResult(y, x: x, weight: weight, bias: bias, geometry: g, epilogue: epilogue,
                                 backwardAlgorithm: algorithm == .reference ? .reference : .im2col, bandFloats: 0,
                                 dataGradient: dataGradient, weightGradient: weightGradient)
    }

    /// The transformed weights for the weight's current version, built at most once per version
    /// (under the lock, so concurrent passes share one build); `transposed`: those of the data
    /// gradient's convolution (geometry `g` is then that convolution's).
    func winogradWeights(_ weight: Variable, tile: Int32, geometry g: ConvolutionGeometry,
                         transposed: Bool = false) throws -> WinogradWeights {
        let version = weight.version
        return try lock.locked {
            let cached = transposed ? winogradTransposed : winograd
            if let u = cached, u.version == version, u.tile == tile { return u }
            let source = transposed ? try flippedTransposed(weight.value) : weight.value
            let u = try WinogradWeights(source, version: version, tile: tile, geometry: g)
            if transposed { winogradTransposed = u } else { winograd = u }
            preparationCount += 1
            return u
        }
    }

    /// w'[ci][co][ky][kx] = w[co][ci][2 - ky][2 - kx]: dx = conv(dy, w') for a 3x3 convolution
    /// with padding 1.
    private func flippedTransposed(_ w: Tensor) throws -> Tensor {
        let (cout, cin) = (w.shape[0], w.shape[1])
        var t = try Tensor(uninitialized: [cin, cout, 3, 3], what: "transposed convolution weight")
        t.data.withUnsafeMutableBufferPointer { tp in
            w.data.withUnsafeBufferPointer { wp in
                for co in 0..<cout { for ci in 0..<cin { for k in 0..<9 {
                    tp[(ci * cout + co) * 9 + 8 - k] = wp[(co * cin + ci) * 9 + k]
                } } }
            }
        }
        return t
    }
}
