/// The attention of one network: the modules at their insert positions, the key bank of
/// pre-attention maps they read (ATTENTION.md section 2), and for positions "all" the search
/// supernet's layer gates (section 5).
public final class AttentionModuleStack: AttentionStack {
    public let kind: AttentionConfig.Kind
    /// P: sorted 1-based layers after which a module runs.
    public let positions: [Int]
    public let layers: Int
    let modules: [AttentionModule]
    private let moduleAt: [Int: Int]
    private var bank: [Int: Variable] = [:]
    private var layerGates: Variable?
    private var begun = false
    private var beginError: Error?
    public var probe: ProbePixel?
    /// 1 GiB by default: a 48x48 map gives CLNL with 5 sources a 2304 x 11520 matrix (106 MB).
    public var memoryLimitBytes = 1 << 30
    public let search: SearchSupernet?

    /// Builds the modules in position order, registering their parameters in `store` (after the
    /// backbone's), then `search.alpha` for positions "all".
    init(_ config: AttentionConfig, features: Int, layers: Int, store: ParameterStore,
         rng: inout RandomGenerator) throws {
        let positions = config.resolvedPositions(layers: layers)
        kind = config.kind
        self.positions = positions
        self.layers = layers
        var modules: [AttentionModule] = []
        for j in positions {
            let sources = kind == .nl || kind == .se ? [j] : positions.filter { $0 <= j }
            switch kind {
            case .cla, .acla:
                modules.append(try CrossLayerAttention(position: j, sourceLayers: sources, channels: features,
                                                       keys: config.keys, gated: kind == .acla, store: store, rng: &rng))
            case .nl, .clnl:
                modules.append(try NonLocalAttention(kind: kind, position: j, sourceLayers: sources, channels: features,
                                                     store: store, rng: &rng))
            case .se:
                modules.append(try SqueezeExcitation(position: j, channels: features, store: store, rng: &rng))
            case .none:
                break
            }
        }
        self.modules = modules
        moduleAt = Dictionary(uniqueKeysWithValues: modules.enumerated().map { ($1.position, $0) })
        if config.positions == .all {
            search = try SearchSupernet(layers: layers, modules: modules.compactMap { $0 as? CrossLayerAttention }, store: store)
        } else {
            search = nil
        }
    }

    public func begin(context: ForwardContext) {
        bank.removeAll()
        begun = true
        layerGates = nil
        beginError = nil
        guard let search else { return }
        do {
            layerGates = try search.sampleGates(context)
        } catch {
            beginError = error   // an invalid layer temperature: reported by the first apply
        }
    }

    public func apply(afterLayer layer: Int, _ x: Variable, context: ForwardContext) throws -> Variable {
        guard let index = moduleAt[layer] else { return x }
        guard begun else { throw AclaError.state("attention stack: begin(context:) was not called before layer \(layer)") }
        if let beginError { throw beginError }
        bank[layer] = x
        let module = modules[index]
        var sources: [Variable] = []
        for l in module.sourceLayers {
            guard let map = bank[l] else {
                throw AclaError.state("attention at layer \(layer) reads layer \(l), which has not run in this pass")
            }
            sources.append(map)
        }
        let pass = AttentionPass(context: context, layerGates: layerGates, probe: probe, memoryLimitBytes: memoryLimitBytes)
        let z = try module.forward(x, sources: sources, pass: pass)
        if layer == positions.last {
            bank.removeAll()   // nothing reads the bank after the last module: free the maps
            begun = false
        }
        return z
    }

    public func macs(height: Int, width: Int) -> UInt64 {
        modules.reduce(0) { SaturatingMACs.add($0, $1.macs(height: height, width: width)) }
    }

    public var statistics: [AttentionModuleStatistics] { modules.map(\.statistics) }
}
