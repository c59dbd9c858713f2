/// The attention of one network: the modules at their insert positions and, for positions "all",
/// the search supernet's layer gates (section 5). Read-only during a forward: the key bank and
/// everything else a pass produces live in its `ForwardPass`.
public final class AttentionModuleStack: AttentionStack {
    public let kind: AttentionConfig.Kind
    /// P: sorted 1-based layers after which a module runs.
    public let positions: [Int]
    public let layers: Int
    let modules: [AttentionModule]
    private let moduleAt: [Int: Int]
    public let search: SearchSupernet?
    private let recordLock = Mutex()
    private var lastRecord: [AttentionModuleStatistics]

    /// Builds the modules in position order (AttentionKinds), registering their parameters in
    /// `store` after the backbone's, then `search.alpha` for positions "all".
    init(_ config: AttentionConfig, features: Int, layers: Int, store: ParameterStore,
         rng: inout RandomGenerator) throws {
        let positions = config.resolvedPositions(layers: layers)
        kind = config.kind
        self.positions = positions
        self.layers = layers
        let make = try AttentionKinds.kind(config.kind)
        var modules: [AttentionModule] = []
        for j in positions {
            let sources = make.readsEarlierLayers ? positions.filter { $0 <= j } : [j]
            modules.append(try make.build(AttentionKinds.Site(position: j, sourceLayers: sources, channels: features,
                                                              keys: config.keys), store, &rng))
        }
        self.modules = modules
        moduleAt = Dictionary(uniqueKeysWithValues: modules.enumerated().map { ($1.position, $0) })
        if config.positions == .all {
            search = try SearchSupernet(layers: layers, modules: modules.compactMap { $0 as? CrossLayerAttention }, store: store)
        } else {
            search = nil
        }
        lastRecord = modules.map(\.blankStatistics)
    }

    public func begin(pass: ForwardPass) throws {
        pass.bank.removeAll()
        pass.keyMasks.removeAll()
        pass.layerGates = nil
        pass.statistics = modules.map(\.blankStatistics)
        if let search { pass.layerGates = try search.sampleGates(pass) }
    }

    public func apply(afterLayer layer: Int, _ x: Variable, pass: ForwardPass) throws -> Variable {
        guard let index = moduleAt[layer] else { return x }
        guard pass.statistics.count == modules.count else {
            throw AclaError.state("attention stack: begin(pass:) was not called before layer \(layer)")
        }
        pass.bank[layer] = x
        let module = modules[index]
        var sources: [Variable] = []
        for l in module.sourceLayers {
            guard let map = pass.bank[l] else {
                throw AclaError.state("attention at layer \(layer) reads layer \(l), which has not run in this pass")
            }
            sources.append(map)
        }
        var record = pass.statistics[index]
        let z = try module.forward(x, sources: sources, pass: pass, record: &record)
        pass.statistics[index] = record
        if layer == positions.last { pass.bank.removeAll() }   // nothing reads the bank after the last module
        return z
    }

    public func finish(pass: ForwardPass) {
        let record = pass.statistics
        guard record.count == modules.count else { return }
        recordLock.locked { lastRecord = record }
    }

    public func macs(height: Int, width: Int) throws -> UInt64 {
        try MacCount.sum(modules.map { try $0.macs(height: height, width: width) })
    }

    public var statistics: [AttentionModuleStatistics] { recordLock.locked { lastRecord } }
}
