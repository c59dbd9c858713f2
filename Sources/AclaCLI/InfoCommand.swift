import Acla
import ArgumentParser

/// `acla info MODEL [--size HxW]`: architecture, parameter count and MACs of a config or checkpoint.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a model config or checkpoint: architecture, parameters, MACs.")

    @OptionGroup var source: ModelArguments
    @OptionGroup var runtime: RuntimeOptions

    @Option(parsing: .unconditional, help: "Input size HxW for the MAC count and output size.")
    var size: String = "48x48"

    func run() throws {
        try cliGuard(runtime) {
            let (h, w) = try parseImageSize(size)
            let net = try source.network()
            let macs = try net.macs(height: h, width: w)
            let out = try net.outputSize(height: h, width: w)
            let backbone = net.layout.parameterCount
            print(net.config.summary)
            print("parameters: \(groupedDigits(net.parameterCount))"
                  + (net.parameterCount != backbone ? " (backbone \(groupedDigits(backbone)), attention \(groupedDigits(net.parameterCount - backbone)))" : ""))
            print("input \(h)x\(w) -> output \(out.channels)x\(out.height)x\(out.width)")
            print("MACs: \(groupedDigits(macs)) (\(CLIText.format("%.2f", Double(macs) / 1e9)) G)")
            print("config: \(net.config.json)")
            try attentionSummary(net, height: h, width: w).forEach { print($0) }
        }
    }
}
