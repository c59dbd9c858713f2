import Acla
import ArgumentParser

/// `acla visualize`: the paper's Figure 2 for one query pixel of one attention module.
struct Visualize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visualize",
        abstract: "Draw the keys one attention module samples for a query pixel (the paper's Figure 2).",
        discussion: """
        One forward pass on the image (or on a --window around the query) records the keys of the query pixel in every module; the figure shows the chosen module's keys, one panel per source layer, coloured by their weight in the module's joint softmax. Coordinates are input pixels.
        """
    )

    @OptionGroup var source: RestoreModelOptions
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "Input image (PNG or JPEG).") var image: String
    @Option(help: "Query pixel Y,X in input pixels.") var query: String
    @Option(help: "Layer j of the module to draw (default: the last module).") var module: Int?
    @Option(help: "Run and draw only a square window of this side around the query (0 = whole image).") var window: Int = 0
    @Option(help: "Output PNG.") var out: String

    func validate() throws {
        guard window >= 0 else { throw ValidationError("--window must be >= 0, got \(window)") }
    }

    func run() throws {
        try cliGuard(runtime) {
            guard try ImageFile.format(forPath: out) == .png else {
                throw AclaError.invalidArgument("the figure is written as PNG: name it .png, got \(out)")
            }
            try OutputPath.requireWritable(out)
            let net = try source.network()
            guard let attention = net.attention, !attention.statistics.isEmpty else {
                throw AclaError.invalidArgument("the model has no attention modules (attention kind \"none\"): nothing to visualize")
            }
            let stats = attention.statistics
            let index: Int
            if let module {
                guard let i = stats.firstIndex(where: { $0.position == module }) else {
                    throw AclaError.invalidArgument("no attention module after layer \(module); modules sit after layers \(stats.map(\.position))")
                }
                index = i
            } else {
                index = stats.count - 1
            }
            guard stats[index].kind != .se else {
                throw AclaError.invalidArgument("module after layer \(stats[index].position) is squeeze-excitation: it samples no keys")
            }
            let full = try ImageCommandSupport.read(image)
            let q = try parsePixel(query, name: "query")
            guard q.y < full.height, q.x < full.width else {
                throw AclaError.invalidArgument("query (\(q.y), \(q.x)) is outside the \(full.width) x \(full.height) image")
            }
            var shown = full
            var local = q
            var origin = (y: 0, x: 0)
            if window > 0 && (window < full.width || window < full.height) {
                let (wh, ww) = (min(window, full.height), min(window, full.width))
                let top = min(max(q.y - wh / 2, 0), full.height - wh)
                let left = min(max(q.x - ww / 2, 0), full.width - ww)
                shown = try full.cropped(top: top, left: left, height: wh, width: ww)
                local = (q.y - top, q.x - left)
                origin = (top, left)
            }
            let restorer = Restorer(network: net)
            let pass = ForwardPass()
            pass.probe = ProbePixel(y: local.y, x: local.x)
            _ = try net.forward(restorer.modelInput(shown), pass: pass)
            guard index < pass.statistics.count else { throw AclaError.internal("the pass recorded \(pass.statistics.count) modules") }
            let s = pass.statistics[index]
            guard !s.probe.isEmpty else { throw AclaError.internal("module after layer \(s.position) recorded no keys for the query") }
            let figure = VisualizeFigure(input: shown, imageName: Paths.fileName(image), query: local, origin: origin,
                                         originalSize: (full.width, full.height), statistics: s)
            let picture = try figure.render()
            try ImageFile.write(picture, to: out)
            let open = s.probe.filter(\.open).count
            print("wrote \(out) (\(picture.width)x\(picture.height)): module after layer \(s.position), \(s.sourceLayers.count) source\(s.sourceLayers.count == 1 ? "" : "s"), \(open) of \(s.probe.count) keys open")
        }
    }
}

/// "Y,X" with non-negative integers.
func parsePixel(_ text: String, name: String) throws -> (y: Int, x: Int) {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    guard parts.count == 2, let y = Int(CLIText.trimmed(parts[0])), let x = Int(CLIText.trimmed(parts[1])),
          y >= 0, x >= 0 else {
        throw AclaError.invalidArgument("\(name) must be Y,X with non-negative integers (e.g. 40,52), got \"\(text)\"")
    }
    return (y, x)
}
