/// What a backbone sees of attention. The backbone calls `begin` once per forward pass, then
/// `apply(afterLayer:)` after each of its layers 1...L in order, then `finish`; the stack decides
/// whether a module sits there. Everything a pass produces (the key bank of pre-attention maps,
/// ATTENTION.md section 2, gates, statistics) lives in the `ForwardPass`, so one stack serves
/// several passes at once.
public protocol AttentionStack: AnyObject {
    func begin(pass: ForwardPass) throws
    func apply(afterLayer layer: Int, _ x: Variable, pass: ForwardPass) throws -> Variable
    /// After the last layer: the pass's statistics become the stack's `statistics` record.
    func finish(pass: ForwardPass)
    /// Dense upper-bound MACs of all modules on a feature map of height x width (every gate open).
    func macs(height: Int, width: Int) throws -> UInt64
    /// The record of the last pass that finished (any thread), in position order; before any pass,
    /// what each module is with nothing run.
    var statistics: [AttentionModuleStatistics] { get }
    /// The search supernet's architecture parameters and cost (positions "all"), else nil.
    var search: SearchSupernet? { get }
}

/// Defaults, so a stack that only needs `begin`, `apply` and `macs` (a test double, an experiment)
/// stays small: no statistics, no search.
extension AttentionStack {
    public func finish(pass: ForwardPass) {}
    public var statistics: [AttentionModuleStatistics] { [] }
    public var search: SearchSupernet? { nil }
}
