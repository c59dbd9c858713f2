/// How `Network.load` treats tensors that do not match the model.
public struct CheckpointLoadOptions: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Fine-tuning x3/x4 from x2 (CONVENTIONS.md section 4), as EDSR-PyTorch does: `tail.*`
    /// tensors load when the file has them with the model's shape; missing, extra or mis-shaped
    /// ones are skipped and keep their initial values. Everything else stays strict.
    public static let ignoreTail = CheckpointLoadOptions(rawValue: 1)
    /// Starting an attention model from a plain backbone checkpoint: `attention.*` and `search.*`
    /// parameters the file lacks keep their initial values (zero-initialised outputs make the
    /// network compute the backbone exactly).
    public static let keepMissingAttention = CheckpointLoadOptions(rawValue: 2)

    public static let all: CheckpointLoadOptions = [.ignoreTail, .keepMissingAttention]
}

/// Checkpoints are safetensors files with float32 tensors named by the parameter registry and
/// the canonical config under `__metadata__["acla.config"]`.
public enum Checkpoint {
    public static let configKey = "acla.config"
    public static let versionKey = "acla.version"

    /// The first NaN or infinity of a tensor (index, value): the one rule for parameters, in files
    /// and through acla_model_set_parameter, is that they are finite.
    public static func firstNonFinite(_ t: Tensor) -> (Int, Float)? {
        t.data.withUnsafeBufferPointer { b in
            for (i, v) in b.enumerated() where !v.isFinite { return (i, v) }
            return nil
        }
    }

    /// The config a file describes: `override` when given, else the file's metadata.
    public static func config(of reader: SafetensorsReader, override: ModelConfig?) throws -> ModelConfig {
        if let override { return override }
        guard let json = reader.metadata[configKey] else {
            throw AclaError.format("checkpoint '\(reader.path)' has no __metadata__ \"\(configKey)\" (a converted official checkpoint?): pass a model config")
        }
        do {
            return try ModelConfig.parse(json)
        } catch let e as AclaError where e.status == .invalidArgument || e.status == .format {
            throw AclaError.format("checkpoint '\(reader.path)': its \"\(configKey)\" metadata is invalid: \(e.message)")
        }
    }
}

extension Network {
    /// Loads a checkpoint: the config from the file (or `config`, which overrides it), a network
    /// built from it, then every parameter from the file (dtype-converted), strictly by name.
    public static func load(path: String, config override: ModelConfig? = nil,
                            options: CheckpointLoadOptions = []) throws -> Network {
        let reader = try SafetensorsReader(path: path)
        let network = try Network(config: Checkpoint.config(of: reader, override: override))
        try network.loadParameters(from: reader, options: options)
        return network
    }

    /// Copies the file's tensors into the parameters. All mismatches are found first (nothing is
    /// changed when any is an error); the message names the first and counts the rest.
    public func loadParameters(from reader: SafetensorsReader, options: CheckpointLoadOptions = []) throws {
        func isTail(_ n: String) -> Bool { n.hasPrefix("tail.") }
        func isAttention(_ n: String) -> Bool { n.hasPrefix("attention.") || n.hasPrefix("search.") }
        var problems: [String] = []
        var toLoad: [(SafetensorsEntry, Variable)] = []
        for (name, variable) in parameters.parameters {
            guard let entry = reader.entry(named: name) else {
                if options.contains(.ignoreTail), isTail(name) { continue }
                if options.contains(.keepMissingAttention), isAttention(name) { continue }
                problems.append("missing tensor \"\(name)\"")
                continue
            }
            guard entry.shape == variable.shape else {
                if options.contains(.ignoreTail), isTail(name) { continue }
                problems.append("tensor \"\(name)\" has shape \(entry.shape) in the file, the model expects \(variable.shape)")
                continue
            }
            guard entry.dtype.convertsToFloat else {
                problems.append("tensor \"\(name)\" has dtype \(entry.dtype.rawValue), not a float type")
                continue
            }
            toLoad.append((entry, variable))
        }
        // a training checkpoint also carries the optimiser's state (`train.*`): not model tensors
        for entry in reader.entries where parameters[entry.name] == nil && !entry.name.hasPrefix("train.") {
            if options.contains(.ignoreTail), isTail(entry.name) { continue }
            problems.append("unexpected tensor \"\(entry.name)\" (not a parameter of this model)")
        }
        if let first = problems.first {
            let more = problems.count > 1 ? " (and \(problems.count - 1) more problem\(problems.count > 2 ? "s" : ""))" : ""
            throw AclaError.format("checkpoint '\(reader.path)' does not match the model: \(first)\(more)")
        }
        // read everything before assigning, so a read failure leaves the network unchanged
        let values = try toLoad.map { try reader.tensor($0.0) }
        // parameters are always finite (acla_model_set_parameter refuses the same values)
        for ((entry, _), value) in zip(toLoad, values) {
            if let (i, v) = Checkpoint.firstNonFinite(value) {
                throw AclaError.format("checkpoint '\(reader.path)': tensor \"\(entry.name)\" value \(i) is not finite (\(v)): parameters must be finite")
            }
        }
        for ((_, variable), value) in zip(toLoad, values) { try variable.assign(value) }
    }

    /// Saves every parameter (registry order) and the canonical config, atomically. A model with
    /// a non-finite parameter (a diverged training run) is refused: it could not be loaded back.
    public func save(to path: String) throws {
        for (name, variable) in parameters.parameters {
            if let (i, v) = Checkpoint.firstNonFinite(variable.value) {
                throw AclaError.state("parameter \"\(name)\" value \(i) is not finite (\(v)): a checkpoint holds finite parameters only")
            }
        }
        try SafetensorsWriter.write(
            path: path,
            tensors: parameters.parameters.map { ($0.name, $0.variable.value) },
            metadata: [Checkpoint.configKey: config.json, Checkpoint.versionKey: Version.string])
    }
}
