import Acla
import ArgumentParser

/// `acla forward MODEL INPUT.npy OUTPUT.npy`: one evaluation-mode forward pass on a float tensor
/// (NCHW, CHW or HW; values 0..255), writing the raw float32 output with the same rank.
struct Forward: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Run a model on a .npy tensor (NCHW, CHW or HW, values 0..255); writes raw float32 .npy.")

    @Argument(help: "A model config (.json, fresh weights from its seed) or a safetensors checkpoint.")
    var model: String

    @Argument(help: "Input .npy (float32, float64 or uint8).")
    var input: String

    @Argument(help: "Output .npy (float32, unclamped).")
    var output: String

    @Option(help: "Config (file or inline JSON) for checkpoints without one, or to override it.")
    var config: String?

    @Flag(help: "Load tail tensors only where they fit (x2 checkpoint into an x3/x4 config).")
    var ignoreTail = false

    func run() throws {
        try cliGuard {
            let net = try ModelSource.network(model, config: config,
                                              options: ModelSource.loadOptions(ignoreTail: ignoreTail, keepMissingAttention: false))
            let x = try NpyFile.read(path: input)
            let rank = x.shape.count
            guard (2...4).contains(rank) else {
                throw AclaError.shape("input must be NCHW, CHW or HW, got shape \(x.shape)")
            }
            let nchw = Array(repeating: 1, count: 4 - rank) + x.shape
            let y = try net.forward(x.reshaped(nchw))
            let outShape = rank == 2 && y.shape[1] == 1 ? Array(y.shape.suffix(2)) : Array(y.shape.suffix(max(rank, 3)))
            try NpyFile.write(y.reshaped(outShape), path: output)
            print("\(input) \(x.shape) -> \(output) \(outShape)")
        }
    }
}
