import Acla

/// The attention part of `acla info`: one forward pass on a seeded random input of the given
/// size, then the per-module table of `attentionReport`. Empty for a model without attention.
func attentionSummary(_ network: Network, height: Int, width: Int) throws -> [String] {
    guard let attention = network.attention, !attention.statistics.isEmpty else { return [] }
    _ = try network.forward(try randomInput([1, network.config.channels, height, width]))
    return ["attention (one forward pass on a random \(height)x\(width) input; `acla attention` runs a real one):"]
        + attentionReport(network)
}

/// What the attention modules did in the network's last forward pass: per module its layer,
/// kind, key sources, K, parameters, dense and measured MACs and open-key fraction; the totals;
/// a supernet's alpha and derived positions; and the probed keys, if a probe was set.
func attentionReport(_ network: Network) -> [String] {
    guard let attention = network.attention else { return ["attention: none"] }
    let stats = attention.statistics
    let columns = [6, 5, 16, 3, 11, 16, 16, 9]
    func row(_ cells: [String]) -> String {
        "  " + zip(cells, columns).map { cell, width in
            String(repeating: " ", count: max(0, width - cell.count)) + cell
        }.joined(separator: " ")
    }
    var lines = [row(["layer", "kind", "sources", "K", "parameters", "MACs (dense)", "MACs (measured)", "open keys"])]
    for s in stats {
        let params = network.parameters.parameters
            .filter { $0.name.hasPrefix("attention.\(s.position).") }
            .reduce(0) { $0 + $1.variable.value.count }
        lines.append(row([String(s.position), s.kind.rawValue, compactList(s.sourceLayers), String(s.keys), groupedDigits(params),
                          groupedDigits(s.denseMACs), groupedDigits(s.measuredMACs),
                          s.hasRun ? CLIText.format("%.1f%%", 100 * s.openKeyFraction) : "-"]))
    }
    let dense = stats.reduce(UInt64(0)) { $0 &+ $1.denseMACs }
    lines.append("  attention MACs per image: dense \(groupedDigits(dense)), measured \(groupedDigits(stats.reduce(0) { MacCount.saturatingSum($0, $1.measuredMACs) }))")
    if let search = attention.search {
        let alpha = search.alpha.value.data.map { CLIText.format("%.3f", Double($0)) }.joined(separator: " ")
        let kept = search.derivedPositions.map(String.init).joined(separator: ", ")
        lines.append("  search.alpha: \(alpha)")
        lines.append("  derived positions (alpha >= 0): \(kept.isEmpty ? "none" : kept)")
    }
    for s in stats where !s.probe.isEmpty {
        lines.append("  probe keys of layer \(s.position) (source layer, y, x, weight, open):")
        for k in s.probe {
            lines.append(CLIText.format("    %3d  %9.3f  %9.3f  %.5f  ", Int32(k.sourceLayer), Double(k.y), Double(k.x), Double(k.weight)) + (k.open ? "open" : "closed"))
        }
    }
    return lines
}

/// [1, 2, 3, 7, 9, 10] -> "1-3,7,9-10".
func compactList(_ values: [Int]) -> String {
    var parts: [String] = []
    var i = 0
    while i < values.count {
        var j = i
        while j + 1 < values.count, values[j + 1] == values[j] + 1 { j += 1 }
        parts.append(j > i + 1 ? "\(values[i])-\(values[j])" : (i...j).map { String(values[$0]) }.joined(separator: ","))
        i = j + 1
    }
    return parts.joined(separator: ",")
}
