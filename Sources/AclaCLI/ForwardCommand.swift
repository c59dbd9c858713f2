import Acla
import ArgumentParser

/// `acla forward MODEL INPUT.npy OUTPUT.npy`: one evaluation-mode forward pass on a float tensor
/// (NCHW, CHW or HW; values 0..255), writing the raw float32 output with the same rank.
struct Forward: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Run a model on a .npy tensor (NCHW, CHW or HW, values 0..255); writes raw float32 .npy.")

    @OptionGroup var source: ModelArguments

    @Argument(help: "Input .npy (float32, float64 or uint8).")
    var input: String

    @Argument(help: "Output .npy (float32, unclamped).")
    var output: String

    func run() throws {
        try cliGuard {
            let net = try source.network()
            let x = try NpyFile.readInput(path: input)
            let rank = x.shape.count
            let y = try net.forward(NpyFile.asNCHW(x))
            let outShape = rank == 2 && y.shape[1] == 1 ? Array(y.shape.suffix(2)) : Array(y.shape.suffix(max(rank, 3)))
            try NpyFile.write(y.reshaped(outShape), to: output)
            print("\(input) \(x.shape) -> \(output) \(outShape)")
        }
    }
}
