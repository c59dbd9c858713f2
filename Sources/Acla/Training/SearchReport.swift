import Glibc

/// What an insert-position search found (ATTENTION.md section 5): per layer alpha, the layer
/// gate's probability at the final temperature, whether the module is kept (alpha >= 0) and its
/// share of the supernet's dense cost; the chosen positions; the cost before (supernet, every
/// module and key) and after (the derived network: dense, and measured on the validation images).
public struct SearchReport: Sendable {
    public struct Layer: Sendable {
        public let layer: Int
        public let alpha: Double
        /// sigmoid(alpha / tau_end): the probability that s_j = 1 at the end of stage 2.
        public let gateProbability: Double
        public let kept: Bool
        /// The module's dense MACs at the reference size, and its share of the supernet's total.
        public let denseMACs: UInt64
        public let costShare: Double
    }

    public let layers: [Layer]
    public let positions: [Int]
    public let referenceHeight: Int
    public let referenceWidth: Int
    public let backboneMACs: UInt64
    public let supernetMACs: UInt64
    public let derivedMACs: UInt64
    /// Per kept module: the fraction of keys its gates opened on the validation images (ACLA).
    public let openKeyFraction: [Int: Double]
    /// Measured MACs of the derived network per validation image, averaged (nil without validation images).
    public let derivedMeasuredMACs: Double?
    public let lambda: Double
    public let warmupSteps: Int64
    public let searchSteps: Int64

    /// Builds the report for a trained supernet and the network derived from it.
    public static func make(supernet: Network, derived: Network, options: TrainerOptions, referenceSize: Int,
                            validation: ValidationSet?) throws -> SearchReport {
        guard let search = supernet.attention?.search else { throw AclaError.state("the report needs a search supernet") }
        let config = supernet.config
        let (h, w) = (referenceSize, referenceSize)
        let alpha = Array(search.alpha.value.data).map(Double.init)
        let cost = CrossLayerCost(pixels: h * w, channels: config.features, keys: config.attention.keys,
                                  gated: config.attention.kind == .acla)
        let dense = try (1...search.layers).map { try cost.dense(sources: $0) }
        let supernetMACs = try supernet.macs(height: h, width: w)
        let tau = options.layerTemperatureEnd
        let layers = (0..<search.layers).map { i in
            Layer(layer: i + 1, alpha: alpha[i], gateProbability: 1 / (1 + Glibc.exp(-alpha[i] / tau)), kept: alpha[i] >= 0,
                  denseMACs: dense[i], costShare: Double(dense[i]) / Double(supernetMACs))
        }
        var fractions: [Int: [Double]] = [:]
        var measured: [Double] = []
        if let validation {
            for item in validation.items {
                let pass = ForwardPass()
                _ = try derived.forward(item.input, pass: pass)
                for s in pass.statistics where s.hasRun { fractions[s.position, default: []].append(s.openKeyFraction) }
                if let m = try derived.measuredMACs(of: pass) {
                    measured.append(Double(m) / Double(item.input.shape[2] * item.input.shape[3]) * Double(h * w))
                }
            }
        }
        return SearchReport(
            layers: layers, positions: search.derivedPositions, referenceHeight: h, referenceWidth: w,
            backboneMACs: try supernet.layout.macs(height: h, width: w), supernetMACs: supernetMACs,
            derivedMACs: try derived.macs(height: h, width: w),
            openKeyFraction: fractions.mapValues { $0.reduce(0, +) / Double($0.count) },
            derivedMeasuredMACs: measured.isEmpty ? nil : measured.reduce(0, +) / Double(measured.count),
            lambda: options.costLambda, warmupSteps: options.searchWarmupSteps, searchSteps: options.searchSteps)
    }

    public var json: String {
        var o = JSONObject()
        o["lambda"] = .number(lambda)
        o["warmup_steps"] = .integer(Int(warmupSteps))
        o["search_steps"] = .integer(Int(searchSteps))
        o["positions"] = .array(positions.map { .integer($0) })
        o["reference_size"] = .array([.integer(referenceHeight), .integer(referenceWidth)])
        o["layers"] = .array(layers.map { l in
            .object(JSONObject([("layer", .integer(l.layer)), ("alpha", .number(l.alpha)), ("gate_probability", .number(l.gateProbability)),
                                ("kept", .bool(l.kept)), ("dense_macs", .integer(Int(clamping: l.denseMACs))),
                                ("cost_share", .number(l.costShare))]))
        })
        o["backbone_macs"] = .integer(Int(clamping: backboneMACs))
        o["supernet_macs"] = .integer(Int(clamping: supernetMACs))
        o["derived_macs"] = .integer(Int(clamping: derivedMACs))
        o["derived_measured_macs"] = derivedMeasuredMACs.map { .number($0) } ?? .null
        var f = JSONObject()
        for k in openKeyFraction.keys.sorted() { f[String(k)] = .number(openKeyFraction[k]!) }
        o["open_key_fraction"] = .object(f)
        return JSONWriter.string(.object(o)) + "\n"
    }

    /// The printed table.
    public var table: String {
        func g(_ macs: Double) -> String { TextFormat.fixed(macs / 1e9, 3) }
        let p = TextFormat.pad
        var lines = ["layer     alpha  p(s=1)  kept  dense MMACs   share"]
        for l in layers {
            lines.append(p(String(l.layer), 5) + "  " + p(TextFormat.fixed(l.alpha, 3), 8) + "  " + p(TextFormat.fixed(l.gateProbability, 3), 6)
                         + "  " + p(l.kept ? "yes" : "no", 4) + "  " + p(TextFormat.fixed(Double(l.denseMACs) / 1e6, 1), 11) + "  "
                         + p(TextFormat.fixed(100 * l.costShare, 1), 5) + "%")
        }
        lines.append("positions: \(positions.isEmpty ? "none (plain backbone)" : positions.map(String.init).joined(separator: ", "))")
        var cost = "cost at \(referenceHeight)x\(referenceWidth): supernet \(g(Double(supernetMACs))) G, derived \(g(Double(derivedMACs))) G dense"
        if let m = derivedMeasuredMACs { cost += ", \(g(m)) G measured on the validation images" }
        lines.append(cost + " (backbone \(g(Double(backboneMACs))) G)")
        return lines.joined(separator: "\n")
    }
}
