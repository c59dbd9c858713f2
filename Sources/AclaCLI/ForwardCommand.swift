import Acla
import ArgumentParser

/// `acla forward MODEL INPUT OUTPUT`: one evaluation-mode forward pass. INPUT is a .npy array
/// (HW, HWC, CHW, NCHW or NHWC, read by the shape and the model's channels) or a PNG/JPEG
/// image; OUTPUT a .npy array (raw float32, in the input's layout; HWC for an image input) or
/// a PNG/JPEG image (rounded and clamped to 0..255).
struct Forward: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Run a model on a .npy array or a PNG/JPEG image; writes a raw float32 .npy or an 8-bit image.",
        discussion: """
        A .npy input may be HW, HWC, CHW, NCHW or NHWC (float32, float64 or uint8; values 0..255): the axis with the model's channel count is the channel axis, and a shape where two axes could be is refused. The layout read is printed. A NaN or infinite input value is an error naming its index unless --allow-nonfinite is given.
        """)

    @OptionGroup var source: ModelArguments
    @OptionGroup var runtime: RuntimeOptions

    @Argument(help: "Input .npy array or PNG/JPEG image.")
    var input: String

    @Argument(help: "Output .npy (float32, unclamped) or .png/.jpg (8-bit).")
    var output: String

    @Flag(help: "Let NaN and infinite input values through (the output is then NaN where they reach).")
    var allowNonfinite = false

    func run() throws {
        try cliGuard(runtime) {
            try OutputPath.requireWritable(output)
            let net = try source.network()
            let channels = net.config.channels
            let (x, layout) = try readInput(channels: channels)
            if !allowNonfinite {
                try x.data.withUnsafeBufferPointer {
                    try FiniteInput.require($0, shape: x.shape, allowHint: "--allow-nonfinite lets it through")
                }
            }
            let y = try net.forward(x)
            let (n, c, h, w) = (y.shape[0], y.shape[1], y.shape[2], y.shape[3])
            if OutputPath.isImage(output) {
                guard n == 1 else { throw AclaError.invalidArgument("\(output): an image file holds one image, the output has \(n)") }
                try ImageFile.write(Image8(tensor: y), to: output)
                print("\(input) \(x.shape) (\(layout.rawValue)) -> \(output) \(w)x\(h)x\(c) 8-bit")
                return
            }
            guard output.lowercased().hasSuffix(".npy") else {
                throw AclaError.invalidArgument("output must end in .npy, .png, .jpg or .jpeg, got \(output)")
            }
            let outLayout = layout == .hw && c != 1 ? ImageArrayLayout.chw : layout
            let shape = outLayout.shape(n: n, c: c, h: h, w: w)
            try NpyFile.write(Tensor(shape: shape, data: outLayout.fromNCHW(Array(y.data), n: n, c: c, h: h, w: w)), to: output)
            print("\(input) \(layout.dimensionsText(x.shape)) -> \(output) \(shape) (\(outLayout.rawValue))")
        }
    }

    /// The input as NCHW and the layout it was read in (an image file counts as HWC).
    private func readInput(channels: Int) throws -> (Tensor, ImageArrayLayout) {
        if OutputPath.isImage(input) {
            let image = try ImageCommandSupport.read(input)
            guard image.channels == channels else {
                throw AclaError.shape("\(input) has \(image.channels) channel\(image.channels == 1 ? "" : "s"), the model takes \(channels)"
                                      + (channels == 1 ? " (acla degrade --gray converts RGB to gray)" : ""))
            }
            return (try image.toTensor(), .hwc)
        }
        let raw = try NpyFile.readInput(path: input)
        let layout = try ImageArrayLayout.infer(raw.shape, channels: [channels], name: input)
        let d = layout.dimensions(raw.shape)
        return (try Tensor(shape: [d.n, d.c, d.h, d.w], data: layout.toNCHW(Array(raw.data), shape: raw.shape)), layout)
    }
}

extension ImageArrayLayout {
    func dimensionsText(_ nchw: [Int]) -> String { "\(shape(n: nchw[0], c: nchw[1], h: nchw[2], w: nchw[3])) (\(rawValue))" }
}
