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

    public init(mode: Mode = .evaluation, seed: UInt64 = 0, keyTemperature: Double = 1, layerTemperature: Double = 1) {
        self.mode = mode
        self.rng = RandomGenerator(seed: seed)
        self.keyTemperature = keyTemperature
        self.layerTemperature = layerTemperature
    }

    public static var evaluation: ForwardContext { ForwardContext() }
}

/// What a backbone sees of attention. The backbone calls `begin` once per forward pass, then
/// `apply(afterLayer:)` after each of its layers 1...L in order; the stack decides whether a
/// module sits there and keeps its own key bank of pre-attention maps (ATTENTION.md section 2).
public protocol AttentionStack: AnyObject {
    func begin(context: ForwardContext)
    func apply(afterLayer layer: Int, _ x: Variable, context: ForwardContext) throws -> Variable
    /// Dense upper-bound MACs of all modules on a feature map of height x width.
    func macs(height: Int, width: Int) -> UInt64
}
