import Acla
import ArgumentParser

/// `acla init CONFIG OUT.safetensors`: a fresh checkpoint from a config (weights from its seed),
/// optionally starting from another checkpoint (`--from x2.safetensors --ignore-tail` is the
/// x3/x4 fine-tuning start).
struct ModelInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a checkpoint from a model config, optionally initialised from another checkpoint.")

    @Argument(help: "Model config: a JSON file or inline JSON.")
    var config: String

    @Argument(help: "Output safetensors file.")
    var output: String

    @OptionGroup var runtime: RuntimeOptions

    @Option(help: "Checkpoint whose tensors initialise the new model.")
    var from: String?

    @Flag(help: "With --from: load tail tensors only where they fit (x2 -> x3/x4 fine-tuning).")
    var ignoreTail = false

    @Flag(help: "With --from: attention parameters the file lacks keep their initial values.")
    var keepMissingAttention = false

    func run() throws {
        try cliGuard(runtime) {
            try OutputPath.requireWritable(output)
            let cfg = try ModelConfig.parse(ModelSource.configText(config))
            let net: Network
            if let from {
                net = try Network.load(path: from, config: cfg, options: ModelSource.loadOptions(
                    ignoreTail: ignoreTail, keepMissingAttention: keepMissingAttention))
            } else {
                guard !ignoreTail, !keepMissingAttention else {
                    throw AclaError.invalidArgument("--ignore-tail and --keep-missing-attention need --from")
                }
                net = try Network(config: cfg)
            }
            try net.save(to: output)
            print("wrote \(output): \(groupedDigits(net.parameterCount)) parameters")
        }
    }
}
