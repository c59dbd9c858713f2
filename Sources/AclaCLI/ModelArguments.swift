import Acla
import ArgumentParser

/// The model a subcommand runs on: a config (fresh weights from its seed) or a checkpoint, with
/// the shared `--config` override and `--ignore-tail` loading option.
struct ModelArguments: ParsableArguments {
    @Argument(help: "A model config (.json, fresh weights from its seed) or a safetensors checkpoint.")
    var model: String

    @Option(help: "Config (file or inline JSON) for checkpoints without one, or to override it.")
    var config: String?

    @Flag(help: "Load tail tensors only where they fit (x2 checkpoint into an x3/x4 config).")
    var ignoreTail = false

    func network() throws -> Network {
        try ModelSource.network(model, config: config,
                                options: ModelSource.loadOptions(ignoreTail: ignoreTail, keepMissingAttention: false))
    }
}

extension NpyFile {
    /// A network input of any rank (`forward` writes its output with the same rank), refused
    /// before reading when it could hold more values than any feature map may.
    static func readInput(path: String) throws -> Tensor {
        try read(path, maxBytes: byteLimit(elements: Network.maxFeatureMapElements))
    }

    /// A .npy tensor of rank 2 (HW), 3 (CHW) or 4 (NCHW), as NCHW.
    static func readNCHW(path: String) throws -> Tensor { try asNCHW(readInput(path: path)) }

    static func asNCHW(_ t: Tensor) throws -> Tensor {
        guard (2...4).contains(t.rank) else { throw AclaError.shape("input must be NCHW, CHW or HW, got shape \(t.shape)") }
        return try t.reshaped(Array(repeating: 1, count: 4 - t.rank) + t.shape)
    }
}
