/// Training checkpoints: one safetensors file holding
/// - every model parameter under its usual name (the file is also a model checkpoint);
/// - `train.adam.exp_avg`, `train.adam.exp_avg_sq`: the weight optimiser's moments, flat, in
///   registry order over the trainable backbone/attention entries; for a search supernet also
///   `train.alpha_adam.exp_avg`, `train.alpha_adam.exp_avg_sq`;
/// - metadata `acla.config` (the model), `acla.version`, and `acla.train`: JSON with `format` (1),
///   `step`, `alpha_step`, `adam_step`, `alpha_adam_step`, the canonical `options` (optimizer,
///   schedule, seed, ...), `gumbel_state` / `alpha_gumbel_state` (the Gumbel stream positions of
///   the next steps, hex), and `run` (what the data-folder driver adds: sampler seed and position,
///   best validation score).
/// Every random number of a step derives from (seed, step counters), so restoring these
/// continues the run bit for bit.
extension Trainer {
    public static let stateKey = "acla.train"
    public static let tensorPrefix = "train."
    static let formatVersion = 1

    /// Writes the checkpoint atomically; `run` is stored under "run" in `acla.train`.
    public func save(to path: String, run: JSONObject = JSONObject()) throws {
        var tensors: [(name: String, tensor: Tensor)] = []
        let values = adapter.values()
        for e in adapter.entries {
            tensors.append((e.name, try Tensor(shape: e.shape, data: Array(values[e.range]))))
        }
        func moments(_ prefix: String, _ adam: Adam) throws {
            tensors.append((prefix + "exp_avg", try Tensor(shape: [adam.stateCount], data: adam.expAvg)))
            tensors.append((prefix + "exp_avg_sq", try Tensor(shape: [adam.stateCount], data: adam.expAvgSq)))
        }
        try moments("train.adam.", weights)
        if let alphaOptimizer { try moments("train.alpha_adam.", alphaOptimizer) }
        var state = JSONObject()
        state["format"] = .integer(Self.formatVersion)
        state["step"] = .integer(Int(step))
        state["alpha_step"] = .integer(Int(alphaStep))
        state["adam_step"] = .integer(Int(weights.step))
        state["alpha_adam_step"] = .integer(Int(alphaOptimizer?.step ?? 0))
        state["options"] = options.jsonValue
        state["gumbel_state"] = .string(hex(RandomStreams.state(seed: options.seed, .gumbelWeights, UInt64(bitPattern: step))))
        state["alpha_gumbel_state"] = .string(hex(RandomStreams.state(seed: options.seed, .gumbelAlpha, UInt64(bitPattern: alphaStep))))
        state["run"] = .object(run)
        try SafetensorsWriter.write(path: path, tensors: tensors, metadata: [
            Checkpoint.configKey: network.config.json, Checkpoint.versionKey: Version.string,
            Self.stateKey: JSONWriter.string(.object(state)),
        ])
    }

    /// Restores weights, optimiser state, counters and options from a training checkpoint of the
    /// same model; returns its "run" object. Nothing changes when anything is wrong.
    @discardableResult
    public func resume(from path: String) throws -> JSONObject {
        let reader = try SafetensorsReader(path: path)
        let file = "training checkpoint '\(path)'"
        guard let json = reader.metadata[Self.stateKey] else {
            throw AclaError.format("\(file) has no \"\(Self.stateKey)\" metadata (a model checkpoint? start from it with --init)")
        }
        if let config = reader.metadata[Checkpoint.configKey] {
            let fileConfig = try ModelConfig.parse(config)
            guard fileConfig == network.config else {
                throw AclaError.invalidArgument("\(file) was made for another model: \(fileConfig.json), this trainer's is \(network.config.json)")
            }
        }
        guard case .object(let state) = try JSONParser.parse(json) else { throw AclaError.format("\(file): \"\(Self.stateKey)\" is not a JSON object") }
        func integer(_ key: String) throws -> Int64 {
            guard case .integer(let i)? = state[key], i >= 0 else { throw AclaError.format("\(file): \"\(Self.stateKey)\" has no valid \"\(key)\"") }
            return Int64(i)
        }
        guard try integer("format") == Int64(Self.formatVersion) else {
            throw AclaError.unsupported("\(file) has training-state format \(state["format"].map(JSONWriter.string) ?? "?"), this library reads \(Self.formatVersion)")
        }
        guard let optionsValue = state["options"] else { throw AclaError.format("\(file): no \"options\" in \"\(Self.stateKey)\"") }
        let fileOptions: TrainerOptions
        do { fileOptions = try TrainerOptions.parse(value: optionsValue) } catch let e as AclaError {
            throw AclaError.format("\(file): its options are invalid: \(e.message)")
        }
        let (savedStep, savedAlphaStep) = (try integer("step"), try integer("alpha_step"))
        let (adamStep, alphaAdamStep) = (try integer("adam_step"), try integer("alpha_adam_step"))
        // weights, strictly by name and shape
        var values = [Float](repeating: 0, count: adapter.arena.count)
        for e in adapter.entries {
            guard let entry = reader.entry(named: e.name) else { throw AclaError.format("\(file) lacks parameter \"\(e.name)\"") }
            guard entry.shape == e.shape else {
                throw AclaError.format("\(file): parameter \"\(e.name)\" has shape \(entry.shape), the model \(e.shape)")
            }
            let t = try reader.tensor(entry)
            values.replaceSubrange(e.range, with: Array(t.data))
        }
        func moments(_ prefix: String, _ adam: Adam) throws -> ([Float], [Float]) {
            let names = [prefix + "exp_avg", prefix + "exp_avg_sq"]
            let t = try names.map { name -> [Float] in
                guard reader.entry(named: name) != nil else { throw AclaError.format("\(file) lacks optimiser state \"\(name)\"") }
                let v = Array(try reader.tensor(named: name).data)
                guard v.count == adam.stateCount else {
                    throw AclaError.format("\(file): \"\(name)\" holds \(v.count) values, the model's optimiser needs \(adam.stateCount)")
                }
                return v
            }
            return (t[0], t[1])
        }
        let weightMoments = try moments("train.adam.", weights)
        let alphaMoments = try alphaOptimizer.map { try moments("train.alpha_adam.", $0) }
        try Trainer.check(fileOptions, for: network)
        guard case .object(let run)? = state["run"] ?? .object(JSONObject()) else { throw AclaError.format("\(file): \"run\" is not an object") }
        // everything read and checked: apply
        try adapter.setValues(values)
        options = fileOptions
        weights.settings = fileOptions.optimizer
        try weights.restore(step: adamStep, expAvg: weightMoments.0, expAvgSq: weightMoments.1)
        if let alphaOptimizer, let alphaMoments {
            alphaOptimizer.settings = fileOptions.alphaOptimizer
            try alphaOptimizer.restore(step: alphaAdamStep, expAvg: alphaMoments.0, expAvgSq: alphaMoments.1)
        }
        step = savedStep
        alphaStep = savedAlphaStep
        return run
    }

    /// Loads the model part of any checkpoint (training or plain) as a network; `train.*` tensors
    /// are not model parameters and are skipped.
    public static func loadModel(path: String, config: ModelConfig? = nil, options: CheckpointLoadOptions = []) throws -> Network {
        let reader = try SafetensorsReader(path: path)
        let network = try Network(config: Checkpoint.config(of: reader, override: config))
        guard reader.entries.contains(where: { $0.name.hasPrefix(tensorPrefix) }) else {
            try network.loadParameters(from: reader, options: options)
            return network
        }
        for entry in reader.entries where !entry.name.hasPrefix(tensorPrefix) && network.parameters[entry.name] == nil {
            if options.contains(.ignoreTail), entry.name.hasPrefix("tail.") { continue }
            throw AclaError.format("checkpoint '\(path)' holds \"\(entry.name)\", not a parameter of this model")
        }
        let adapter = try NetworkTrainingAdapter(network)
        var values = adapter.values()
        for e in adapter.entries {
            guard let entry = reader.entry(named: e.name) else {
                if options.contains(.keepMissingAttention), e.group == .attention || e.group == .search { continue }
                if options.contains(.ignoreTail), e.name.hasPrefix("tail.") { continue }
                throw AclaError.format("checkpoint '\(path)' lacks parameter \"\(e.name)\"")
            }
            guard entry.shape == e.shape else {
                if options.contains(.ignoreTail), e.name.hasPrefix("tail.") { continue }
                throw AclaError.format("checkpoint '\(path)': parameter \"\(e.name)\" has shape \(entry.shape), the model \(e.shape)")
            }
            values.replaceSubrange(e.range, with: Array(try reader.tensor(entry).data))
        }
        try adapter.setValues(values)
        return network
    }
}

func hex(_ v: UInt64) -> String {
    let digits = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
}
