import Acla

/// The picture of `acla compare`: baseline (bicubic-upscaled input, or the input itself for
/// same-size tasks), restored output and reference side by side, each labelled with PSNR/SSIM
/// on Y, and below them the same crop of each, zoomed with visible pixels.
///
/// Size: panels are the output scaled by d = min(360 / width, 480 / height) (pw x ph, rounded);
/// the crop (h x w output pixels) is zoomed by z = max(1, floor(360 / max(h, w))) (or shrunk to
/// 360 when larger); column width c = max(pw, zoomed crop width); width 16 + 3 (c + 16), height
/// 36 + (20 + ph + 12) + (20 + zoomed crop height + 12).
struct CompareFigure {
    struct Panel {
        let image: Image8
        let label: String
    }

    let title: String
    let panels: [Panel]          // 3, all of the output's size
    let crop: (y: Int, x: Int, h: Int, w: Int)
    static let side = 360.0

    var width: Int { panels[0].image.width }
    var height: Int { panels[0].image.height }
    var scale: Double { min(CompareFigure.side / Double(width), 480 / Double(height)) }
    var panelSize: (w: Int, h: Int) { (Int((Double(width) * scale).rounded()), Int((Double(height) * scale).rounded())) }
    var zoom: Double {
        let z = (CompareFigure.side / Double(max(crop.h, crop.w))).rounded(.down)
        return z >= 1 ? z : CompareFigure.side / Double(max(crop.h, crop.w))
    }
    var cropSize: (w: Int, h: Int) { (Int((Double(crop.w) * zoom).rounded()), Int((Double(crop.h) * zoom).rounded())) }
    var column: Int { max(panelSize.w, cropSize.w) }
    var size: (width: Int, height: Int) {
        (16 + 3 * (column + 16), 36 + (20 + panelSize.h + 12) + (20 + cropSize.h + 12))
    }

    func render() throws -> Image8 {
        let canvas = try Canvas(width: size.width, height: size.height)
        canvas.setColor(0, 0, 0)
        canvas.text(AclaError.excerpt(title, limit: 140), x: 16, y: 22, size: 14, bold: true)
        let (pw, ph) = (Double(panelSize.w), Double(panelSize.h))
        let rowTop = 36.0 + 20
        let cropTop = rowTop + ph + 12 + 20
        for (i, panel) in panels.enumerated() {
            let x = 16 + Double(i * (column + 16))
            canvas.setColor(0, 0, 0)
            canvas.text(panel.label, x: x, y: rowTop - 6, size: 12, bold: i == 1)
            try canvas.draw(panel.image, x: x, y: rowTop, scale: scale)
            canvas.setColor(0.9, 0.1, 0.1)
            canvas.rectangle(x: x + Double(crop.x) * scale, y: rowTop + Double(crop.y) * scale,
                             width: Double(crop.w) * scale, height: Double(crop.h) * scale, lineWidth: 1.5)
            canvas.setColor(0, 0, 0)
            let zoomText = zoom >= 1 ? "x\(Int(zoom))" : CLIText.format("x%.2f", zoom)
            canvas.text("crop y \(crop.y), x \(crop.x), \(crop.h) x \(crop.w) (\(zoomText))", x: x, y: cropTop - 6, size: 11)
            let part = try panel.image.cropped(top: crop.y, left: crop.x, height: crop.h, width: crop.w)
            try canvas.draw(part, x: x, y: cropTop, scale: zoom)
            canvas.setColor(0.6, 0.6, 0.6)
            canvas.rectangle(x: x - 0.5, y: rowTop - 0.5, width: pw + 1, height: ph + 1, lineWidth: 1)
        }
        return try canvas.image()
    }

    /// A square crop (a quarter of the shorter side, at least 16 pixels) where the reference has
    /// the most detail: the largest sum of luma gradients, on a grid of half-crop steps.
    static func detailedCrop(_ reference: Image8) -> (y: Int, x: Int, h: Int, w: Int) {
        let side = min(max(16, min(reference.width, reference.height) / 4), reference.width, reference.height)
        let y = ColorConversion.yPlane(reference)
        let (w, h) = (reference.width, reference.height)
        var energy = [Double](repeating: 0, count: w * h)
        for r in 0..<(h - 1) {
            for c in 0..<(w - 1) {
                energy[r * w + c] = abs(y[r * w + c + 1] - y[r * w + c]) + abs(y[(r + 1) * w + c] - y[r * w + c])
            }
        }
        let step = max(1, side / 2)
        var best = (score: -1.0, y: 0, x: 0)
        for top in Swift.stride(from: 0, through: h - side, by: step) {
            for left in Swift.stride(from: 0, through: w - side, by: step) {
                var s = 0.0
                for r in top..<(top + side) { for c in left..<(left + side) { s += energy[r * w + c] } }
                if s > best.score { best = (s, top, left) }
            }
        }
        return (best.y, best.x, side, side)
    }
}
