/// Everything one forward call produces and reads besides the weights: how it runs (evaluation,
/// training with Gumbel noise, soft test mode), its random stream, the attention key bank, the
/// search's layer gates and key masks, per-module statistics, the Figure-2 probe and a cancel
/// check. The `Network` itself stays read-only during a forward, so several passes may run on one
/// network from several threads at once (ncnn's Net vs Extractor). A pass is used by one thread at
/// a time; reusing it for the next call keeps its workspace warm.
public final class ForwardPass {
    public enum Mode: Sendable { case evaluation, training, soft }
    public var mode: Mode
    /// Gumbel noise for ACLA's key gates and the search's layer gates (training mode).
    public var rng: RandomGenerator
    /// When set (one stream per sample of the batch), ACLA's key-gate noise of sample b comes
    /// from stream b instead of `rng` (the search's layer gates, one per pass, stay on `rng`).
    public var sampleNoise: [RandomGenerator]?
    /// Temperature of the per-key gates (ATTENTION.md section 4; default 1).
    public var keyTemperature: Double
    /// Temperature of the search's layer gates s_j (section 5).
    public var layerTemperature: Double
    /// Search stage 1 (section 5): every layer gate s_j is 1, whatever alpha says.
    public var layerGatesOpen: Bool
    /// The query pixel (feature-map coordinates, first image of a batch) whose keys this pass
    /// records for the paper's Figure 2; nil records nothing.
    public var probe: ProbePixel?
    /// Largest attention matrix (bytes) NL/CLNL may allocate before refusing the input (1 GiB: a
    /// 48x48 map gives CLNL with 5 sources a 2304 x 11520 matrix, 106 MB).
    public var memoryLimitBytes = 1 << 30
    /// Checked between body layers; returning true stops the pass with `AclaError.cancelled`.
    public var shouldCancel: (() -> Bool)?
    /// Activations and scratch of this pass come from here and go back when released, so the next
    /// call of the same shape reuses them (nil: plain heap allocations).
    public var workspace: Workspace?
    /// When set, each stage's wall time is added to it (`acla profile`).
    public var profile: LayerProfile?

    /// What each attention module did in this pass, in position order (blank before it runs).
    public internal(set) var statistics: [AttentionModuleStatistics] = []
    /// The search supernet's layer gates s (length L) sampled for this pass, else nil.
    public internal(set) var layerGates: Variable?
    /// The pre-attention maps of the insert positions that ran (the key bank, section 2).
    var bank: [Int: Variable] = [:]
    /// Key gates m of each ACLA module of a search supernet ([n, r*K, h, w], before layer gates),
    /// by position: the search cost's differentiable inputs.
    var keyMasks: [Int: Variable] = [:]

    public init(mode: Mode = .evaluation, seed: UInt64 = 0, keyTemperature: Double = 1,
                layerTemperature: Double = 1, layerGatesOpen: Bool = false) {
        self.mode = mode
        self.rng = RandomGenerator(seed: seed)
        self.keyTemperature = keyTemperature
        self.layerTemperature = layerTemperature
        self.layerGatesOpen = layerGatesOpen
    }

    /// A new evaluation pass (hard gates, no noise: the C API's forward).
    public static var evaluation: ForwardPass { ForwardPass() }

    func checkCancelled() throws {
        if let shouldCancel, shouldCancel() { throw AclaError.cancelled() }
    }

    /// MACs the attention modules executed in this pass, per image, counting only the keys
    /// actually gathered (0 before it ran).
    public var attentionMeasuredMACs: UInt64 {
        statistics.reduce(0) { MacCount.saturatingSum($0, $1.measuredMACs) }
    }
}
