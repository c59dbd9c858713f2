/// How a forward pass runs: evaluation (hard gates, no noise: the C API's forward), training
/// (Gumbel noise from `rng`, straight-through), or the spec's "soft" test mode (no noise, the
/// sigmoid itself as the mask).
public final class ForwardContext {
    public enum Mode: Sendable { case evaluation, training, soft }
    public var mode: Mode
    public var rng: RandomGenerator
    /// Temperature of the per-key gates (ATTENTION.md section 4; default 1).
    public var keyTemperature: Double
    /// Temperature of the search's layer gates s_j (section 5).
    public var layerTemperature: Double
    /// Search stage 1 (section 5): every layer gate s_j is 1, whatever alpha says.
    public var layerGatesOpen: Bool

    public init(mode: Mode = .evaluation, seed: UInt64 = 0, keyTemperature: Double = 1,
                layerTemperature: Double = 1, layerGatesOpen: Bool = false) {
        self.mode = mode
        self.rng = RandomGenerator(seed: seed)
        self.keyTemperature = keyTemperature
        self.layerTemperature = layerTemperature
        self.layerGatesOpen = layerGatesOpen
    }

    public static var evaluation: ForwardContext { ForwardContext() }
}

/// What a backbone sees of attention. The backbone calls `begin` once per forward pass, then
/// `apply(afterLayer:)` after each of its layers 1...L in order; the stack decides whether a
/// module sits there and keeps its own key bank of pre-attention maps (ATTENTION.md section 2).
public protocol AttentionStack: AnyObject {
    func begin(context: ForwardContext)
    func apply(afterLayer layer: Int, _ x: Variable, context: ForwardContext) throws -> Variable
    /// Dense upper-bound MACs of all modules on a feature map of height x width (every gate open).
    func macs(height: Int, width: Int) -> UInt64
    /// What each module did in the last forward pass, in position order.
    var statistics: [AttentionModuleStatistics] { get }
    /// The query pixel (feature-map coordinates, first image of a batch) whose keys the next
    /// forward passes record for the paper's Figure 2; nil records nothing.
    var probe: ProbePixel? { get set }
    /// Largest attention matrix (bytes) NL/CLNL may allocate before refusing the input.
    var memoryLimitBytes: Int { get set }
    /// The search supernet's architecture parameters and cost (positions "all"), else nil.
    var search: SearchSupernet? { get }
}

/// Defaults, so a stack that only needs `begin`, `apply` and `macs` (a test double, an experiment)
/// stays small: no statistics, no probe, no memory limit, no search.
extension AttentionStack {
    public var statistics: [AttentionModuleStatistics] { [] }
    public var probe: ProbePixel? {
        get { nil }
        set {}
    }
    public var memoryLimitBytes: Int {
        get { Int.max }
        set {}
    }
    public var search: SearchSupernet? { nil }

    /// MACs the attention modules executed in the last forward pass, per image, counting only
    /// the keys actually gathered (0 before any forward pass).
    public var measuredMACs: UInt64 {
        statistics.reduce(0) { SaturatingMACs.add($0, $1.measuredMACs) }
    }
}
