import Acla
import ArgumentParser

/// `acla attention MODEL [--input x.npy | --size HxW] [--probe Y,X]`: runs one forward pass and
/// reports each attention module's open-key fraction and measured MACs, and with `--probe` the
/// sampled keys of one query pixel in every source layer (the data of the paper's Figure 2).
struct AttentionStatisticsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attention",
        abstract: "Per-module attention statistics of one forward pass, and the keys of a probed pixel.")

    @OptionGroup var source: ModelArguments
    @OptionGroup var runtime: RuntimeOptions

    @Option(help: "Input .npy (HW, HWC, CHW, NCHW or NHWC, values 0..255). Default: a seeded random image of --size.")
    var input: String?

    @Option(parsing: .unconditional, help: "Size HxW of the random input when no --input is given.")
    var size: String = "48x48"

    @Option(parsing: .unconditional, help: "Query pixel Y,X (input pixels) whose keys every module reports.")
    var probe: String?

    func run() throws {
        try cliGuard(runtime) {
            let net = try source.network()
            let x: Tensor
            if let input {
                x = try NpyFile.readNCHW(path: input, channels: net.config.channels)
            } else {
                let (h, w) = try parseImageSize(size)
                x = try randomInput([1, net.config.channels, h, w])
            }
            guard net.attention != nil else {
                print("attention: none (the model has no attention modules)")
                return
            }
            let pass = ForwardPass()
            if let probe {
                let p = try parseProbe(probe)
                let (h, w) = (x.shape[2], x.shape[3])
                guard p.y < h, p.x < w else {
                    throw AclaError.invalidArgument("probe \(p.y),\(p.x) is outside the \(h)x\(w) input (Y must be < \(h), X < \(w))")
                }
                pass.probe = p
            }
            _ = try net.forward(x, pass: pass)
            print("input \(x.shape)")
            attentionReport(net).forEach { print($0) }
            if let macs = try net.measuredMACs { print("measured MACs per image (backbone + attention): \(groupedDigits(macs))") }
        }
    }

    private func parseProbe(_ text: String) throws -> ProbePixel {
        let parts = text.split(separator: ",")
        guard parts.count == 2, let y = Int(CLIText.trimmed(parts[0])),
              let x = Int(CLIText.trimmed(parts[1])), y >= 0, x >= 0 else {
            throw AclaError.invalidArgument("probe must be Y,X with non-negative integers (e.g. 12,30), got \"\(text)\"")
        }
        return ProbePixel(y: y, x: x)
    }
}
