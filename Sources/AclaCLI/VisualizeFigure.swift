import Acla
import CCairo

/// The paper's Figure 2 for one query pixel: a panel per key source of one attention module,
/// each showing the input with the keys sampled from that source as filled circles coloured by
/// their weight (one colour scale for the module's joint softmax, drawn as a bar), closed ACLA
/// keys as open grey circles, and the query as a cross.
///
/// Size: panels are the input scaled to 320 px on its longer side (pw x ph), at most 3 per row;
/// width 16 + columns (pw + 16) + 90, height 44 + rows (22 + ph + 16) + 28.
struct VisualizeFigure {
    let input: Image8
    let imageName: String
    /// The query in `input`'s pixels, and where `input` sits in the original image (a --window).
    let query: (y: Int, x: Int)
    let origin: (y: Int, x: Int)
    let originalSize: (width: Int, height: Int)
    let statistics: AttentionModuleStatistics
    static let panelSide = 320.0

    var scale: Double { VisualizeFigure.panelSide / Double(max(input.width, input.height)) }
    var panelWidth: Int { Int((Double(input.width) * scale).rounded()) }
    var panelHeight: Int { Int((Double(input.height) * scale).rounded()) }
    var columns: Int { min(statistics.sourceLayers.count, 3) }
    var rows: Int { (statistics.sourceLayers.count + columns - 1) / columns }
    var size: (width: Int, height: Int) {
        (16 + columns * (panelWidth + 16) + 90, 44 + rows * (22 + panelHeight + 16) + 28)
    }

    func render() throws -> Image8 {
        let (w, h) = size
        let canvas = try Canvas(width: w, height: h)
        let keys = statistics.probe
        let top = keys.map(\.weight).max() ?? 0
        let maxWeight = Double(top > 0 ? top : 1)
        let kind = statistics.kind.rawValue.uppercased()
        let kText = statistics.keys > 0 ? ", K = \(statistics.keys)" : ", the \(keys.count / max(statistics.sourceLayers.count, 1)) largest weights per source"
        canvas.setColor(0, 0, 0)
        canvas.text("\(kind) module after layer \(statistics.position)\(kText): keys of query (y \(query.y + origin.y), x \(query.x + origin.x))",
                    x: 16, y: 22, size: 15, bold: true)
        canvas.setColor(0.35, 0.35, 0.35)
        let windowed = input.width != originalSize.width || input.height != originalSize.height
        let place = windowed ? "window \(input.width) x \(input.height) at (y \(origin.y), x \(origin.x)) of " : ""
        canvas.text(place + AclaError.excerpt(imageName, limit: 60) + " (\(originalSize.width) x \(originalSize.height))", x: 16, y: 38, size: 11)
        for (i, layer) in statistics.sourceLayers.enumerated() {
            let px = 16 + Double((i % columns) * (panelWidth + 16))
            let py = 44 + Double((i / columns) * (22 + panelHeight + 16)) + 22
            let own = keys.filter { $0.sourceLayer == layer }
            try drawPanel(canvas, keys: own, layer: layer, x: px, y: py, maxWeight: maxWeight)
        }
        drawColourBar(canvas, x: Double(w - 74), y: 66, height: Double(min(panelHeight, 260)), maxWeight: maxWeight)
        drawLegend(canvas, y: Double(h - 12))
        return try canvas.image()
    }

    private func drawPanel(_ canvas: Canvas, keys: [ProbedKey], layer: Int, x px: Double, y py: Double, maxWeight: Double) throws {
        let (pw, ph) = (Double(panelWidth), Double(panelHeight))
        let open = keys.filter(\.open).count
        let outside = keys.filter { $0.y <= -1 || $0.x <= -1 || $0.y >= Float(input.height) || $0.x >= Float(input.width) }.count
        canvas.setColor(0, 0, 0)
        var title = "keys from layer \(layer)" + (layer == statistics.position ? " (own)" : "")
        title += statistics.kind == .acla ? ": \(open) of \(keys.count) open" : ": \(keys.count) keys"
        if outside > 0 { title += ", \(outside) outside" }
        canvas.text(title, x: px, y: py - 7, size: 12)
        try canvas.draw(input, x: px, y: py, scale: scale)
        cairo_save(canvas.cr)
        cairo_rectangle(canvas.cr, px, py, pw, ph)
        cairo_clip(canvas.cr)
        let s = scale
        let position = { (k: ProbedKey) in (px + (Double(k.x) + 0.5) * s, py + (Double(k.y) + 0.5) * s) }
        for k in keys where !k.open {
            let (cx, cy) = position(k)
            canvas.circle(x: cx, y: cy, radius: 4.5, fill: nil, stroke: (1, 1, 1), lineWidth: 2.6)
            canvas.circle(x: cx, y: cy, radius: 4.5, fill: nil, stroke: (0.45, 0.45, 0.45), lineWidth: 1.2)
        }
        for k in keys.filter(\.open).sorted(by: { $0.weight < $1.weight }) {
            let (cx, cy) = position(k)
            canvas.circle(x: cx, y: cy, radius: 5.5, fill: viridis(Double(k.weight) / maxWeight), stroke: (1, 1, 1), lineWidth: 1.2)
        }
        let (qx, qy) = (px + (Double(query.x) + 0.5) * s, py + (Double(query.y) + 0.5) * s)
        canvas.setColor(1, 1, 1)
        canvas.line(qx - 9, qy, qx + 9, qy, width: 4)
        canvas.line(qx, qy - 9, qx, qy + 9, width: 4)
        canvas.setColor(0.9, 0.1, 0.1)
        canvas.line(qx - 8, qy, qx + 8, qy, width: 2)
        canvas.line(qx, qy - 8, qx, qy + 8, width: 2)
        cairo_restore(canvas.cr)
        canvas.setColor(0.6, 0.6, 0.6)
        canvas.rectangle(x: px - 0.5, y: py - 0.5, width: pw + 1, height: ph + 1, lineWidth: 1)
    }

    private func drawColourBar(_ canvas: Canvas, x: Double, y: Double, height: Double, maxWeight: Double) {
        let steps = 64
        for i in 0..<steps {
            let t = Double(i) / Double(steps - 1)
            let c = viridis(t)
            canvas.setColor(c.0, c.1, c.2)
            canvas.rectangle(x: x, y: y + height * (1 - Double(i + 1) / Double(steps)), width: 16, height: height / Double(steps) + 0.5)
        }
        canvas.setColor(0, 0, 0)
        canvas.rectangle(x: x - 0.5, y: y - 0.5, width: 17, height: height + 1, lineWidth: 1)
        canvas.text("weight", x: x - 4, y: y - 10, size: 11)
        for t in [0.0, 0.5, 1.0] {
            let ty = y + height * (1 - t)
            canvas.line(x + 16, ty, x + 20, ty, width: 1)
            canvas.text(CLIText.format("%.3g", t * maxWeight), x: x + 22, y: ty + 4, size: 10)
        }
    }

    private func drawLegend(_ canvas: Canvas, y: Double) {
        var x = 16.0
        canvas.circle(x: x + 5, y: y - 4, radius: 5.5, fill: viridis(0.8), stroke: (0.3, 0.3, 0.3))
        canvas.setColor(0, 0, 0)
        x += 16 + canvas.text("open key (colour: weight)", x: x + 16, y: y, size: 11) + 20
        if statistics.kind == .acla {
            canvas.circle(x: x + 5, y: y - 4, radius: 4.5, fill: nil, stroke: (0.45, 0.45, 0.45))
            canvas.setColor(0, 0, 0)
            x += 16 + canvas.text("closed key (gate off)", x: x + 16, y: y, size: 11) + 20
        }
        canvas.setColor(0.9, 0.1, 0.1)
        canvas.line(x, y - 4, x + 12, y - 4, width: 2)
        canvas.line(x + 6, y - 10, x + 6, y + 2, width: 2)
        canvas.setColor(0, 0, 0)
        canvas.text("query", x: x + 18, y: y, size: 11)
    }
}
