import Acla
import ArgumentParser

/// The model a subcommand runs on: a config (fresh weights from its seed) or a checkpoint, with
/// the shared `--config` override and `--ignore-tail` loading option.
struct ModelArguments: ParsableArguments {
    @Argument(help: "A model config (.json, fresh weights from its seed), a safetensors checkpoint, or a bundled model's name (`acla models`).")
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

    /// A .npy array in any image layout (`ImageArrayLayout`) whose channel axis has `channels`, as NCHW.
    static func readNCHW(path: String, channels: Int) throws -> Tensor {
        let raw = try readInput(path: path)
        let layout = try ImageArrayLayout.infer(raw.shape, channels: [channels], name: path)
        let d = layout.dimensions(raw.shape)
        return try Tensor(shape: [d.n, d.c, d.h, d.w], data: layout.toNCHW(Array(raw.data), shape: raw.shape))
    }
}
