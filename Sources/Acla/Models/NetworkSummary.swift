/// Human-readable descriptions of a model for `acla info` and logs.
extension ModelConfig {
    /// Two or three lines: backbone and task, body size, attention.
    public var summary: String {
        let taskText: String
        switch task {
        case .sr: taskText = "super-resolution x\(scale)"
        case .denoise: taskText = "denoising"
        case .demosaic: taskText = "demosaicing"
        case .jpeg: taskText = "JPEG artifact reduction"
        }
        var lines = ["\(backbone.rawValue.uppercased()), \(taskText), \(channels) channel\(channels == 1 ? "" : "s")"
                     + (isSuperResolution ? " (MeanShift, PixelShuffle upsampler)" : " (image residual, no MeanShift)")]
        lines.append(backbone.definition.bodySummary(self))
        switch (attention.kind, attention.positions) {
        case (.none, _):
            lines.append("attention: none")
        case (let kind, .all):
            lines.append("attention: \(kind.rawValue) after every layer (search supernet)" + keysText)
        case (let kind, .list(let p)):
            lines.append("attention: \(kind.rawValue) after layers \(p.map(String.init).joined(separator: ", "))" + keysText)
        }
        return lines.joined(separator: "\n")
    }

    private var keysText: String {
        attention.kind == .cla || attention.kind == .acla ? ", K = \(attention.keys)" : ""
    }
}

/// 1369883 -> "1,369,883".
public func groupedDigits<T: BinaryInteger>(_ value: T) -> String {
    let s = String(value)
    var out = ""
    for (i, ch) in s.reversed().enumerated() {
        if i > 0, i % 3 == 0, ch != "-" { out.append(",") }
        out.append(ch)
    }
    return String(out.reversed())
}
