/// A feature-map pixel whose attention keys a forward pass records (Figure 2 of the paper).
public struct ProbePixel: Equatable, Sendable {
    public var y: Int
    public var x: Int
    public init(y: Int, x: Int) { self.y = y; self.x = x }
}

/// One key of the probed query: where it was sampled and with what weight.
public struct ProbedKey: Equatable, Sendable {
    /// The backbone layer whose pre-attention map the key was read from.
    public let sourceLayer: Int
    /// Key index k within its source (for NL/CLNL: the rank among the largest weights).
    public let key: Int
    /// Sampling location in feature-map pixels (fractional for CLA/ACLA).
    public let y: Float
    public let x: Float
    /// Attention weight in the joint softmax (0 for a closed key).
    public let weight: Float
    /// Whether the key was open (always true without gates).
    public let open: Bool
}

/// What one module is, and what it did in one forward pass (`ForwardPass.statistics`).
public struct AttentionModuleStatistics: Sendable {
    public let position: Int
    public let kind: AttentionConfig.Kind
    /// R_j: the layers whose maps the module reads (its own layer last).
    public let sourceLayers: [Int]
    /// K keys per source (0 for NL, CLNL and SE, which read whole maps or none).
    public let keys: Int
    /// Whether a forward pass has run since the module was built.
    public var hasRun = false
    /// Feature-map size of the last forward pass (the backbone body's: the input's pixel grid).
    public var height = 0
    public var width = 0
    /// Images in the batch of the pass.
    public var batch = 0
    /// Keys gathered / keys that could have been (r*K per pixel); 1 for modules without gates.
    public var openKeyFraction: Double = 0
    /// Keys gathered in the last forward pass (all images of the batch).
    public var gatheredKeys: Int64 = 0
    /// MACs executed in the last forward pass, per image.
    public var measuredMACs: UInt64 = 0
    /// The dense upper bound (every key open) on the last pass's map size, per image.
    public var denseMACs: UInt64 = 0
    /// Keys of the probe pixel in the last forward pass (empty without a probe).
    public var probe: [ProbedKey] = []

    public init(position: Int, kind: AttentionConfig.Kind, sourceLayers: [Int], keys: Int) {
        self.position = position
        self.kind = kind
        self.sourceLayers = sourceLayers
        self.keys = keys
    }
}
