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
        let forced = algorithmOverride ?? ConvolutionAlgorithm.environmentOverride
        if let forced {
            return forced.winogradTile != nil && kernelSize != 3 ? .im2col : forced
        }
        return ConvolutionPlan.automatic(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize,
                                         height: height, width: width, level: CPULevel.current)
    }

    /// The shape rule (measurements in bench/RESULTS.md, "Winograd"): Winograd for 3x3 layers
    /// with enough channels and a map of a few tiles, when the CPU has AVX2 (on older CPUs
    /// OpenBLAS's kernels behind im2col are the safer bet); the rest im2col.
    static func automatic(inChannels cin: Int, outChannels cout: Int, kernelSize k: Int,
                          height h: Int, width w: Int, level: CPULevel) -> ConvolutionAlgorithm {
        guard k == 3, level >= .avx2, cin >= 16, cout >= 16, h >= 8, w >= 8 else { return .im2col }
        return .winograd4x4
    }

    /// The convolution of `x` with this layer's `weight` and `bias`, then the epilogue; on the
    /// tape when gradients are recorded (the backward runs im2col, or the reference kernel when
    /// the forward did).
    public func forward(_ x: Variable, weight: Variable, bias: Variable?,
                        epilogue: ConvolutionEpilogue = .none) throws -> Variable {
        let g = try ConvolutionGeometry(input: x.shape, weight: weight.shape, bias: bias?.shape)
        guard Int(g.cin) == inChannels, Int(g.cout) == outChannels, Int(g.k) == kernelSize else {
            throw AclaError.shape("convolution plan for \(inChannels)->\(outChannels) k\(kernelSize) got weight \(weight.shape)")
        }
        let algorithm = self.algorithm(height: Int(g.h), width: Int(g.w))
        let y: Tensor
        if let tile = algorithm.winogradTile {
            try epilogue.check(outputShape: g.outputShape)
            let u = try winogradWeights(weight, tile: tile, geometry: g)
            y = try winogradForward(x.value, weights: u, bias: bias?.value, geometry: g, epilogue: epilogue)
        } else {
            y = try convolutionForward(x.value, weight: weight.value, bias: bias?.value, geometry: g,
                                       epilogue: epilogue, algorithm: algorithm, bandFloats: 0)
        }
        return convolutionResult(y, x: x, weight: weight, bias: bias, geometry: g, epilogue: epilogue,
                                 backwardAlgorithm: algorithm == .reference ? .reference : .im2col, bandFloats: 0)
    }

    /// The transformed weights for the weight's current version, built at most once per version
    /// (under the lock, so concurrent passes share one build).
    func winogradWeights(_ weight: Variable, tile: Int32, geometry g: ConvolutionGeometry) throws -> WinogradWeights {
        let version = weight.version
        return try lock.locked {
            if let u = winograd, u.version == version, u.tile == tile { return u }
            let u = try WinogradWeights(weight.value, version: version, tile: tile, geometry: g)
            winograd = u
            preparationCount += 1
            return u
        }
    }
}
