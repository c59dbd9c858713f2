/// The options JSON of `acla_trainer_create` and `acla train --options`. Every key is optional:
///
///     {"optimizer": {"kind": "adam", "lr": 1e-4, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0},
///      "loss": "l1" | "mse", "clip_grad_norm": null | number,
///      "schedule": {"kind": "constant" | "halving" | "step" | "cosine", "every": N, "milestones": [..],
///                   "step_size": N, "gamma": g, "t_max": N, "eta_min": x, "warmup_steps": W},
///      "seed": 0, "key_temperature": 1,
///      "cost_lambda": 0, "alpha_optimizer": {...}, "alpha_schedule": {...},
///      "search": {"warmup_steps": N, "search_steps": M},
///      "layer_temperature": {"start": 5, "end": 0.5}}
extension TrainerOptions {
    static let knownKeys = ["optimizer", "loss", "clip_grad_norm", "schedule", "seed", "key_temperature",
                            "cost_lambda", "alpha_optimizer", "alpha_schedule", "search", "layer_temperature"]
    static let optimizerKeys = ["kind", "lr", "betas", "eps", "weight_decay"]
    static let scheduleKeys = ["kind", "every", "milestones", "step_size", "gamma", "t_max", "eta_min", "warmup_steps"]
    static let maxSteps: ClosedRange<Int64> = 0...(Int64(1) << 53)

    public static func parse(_ json: String) throws -> TrainerOptions {
        try parse(value: JSONParser.parse(json))
    }

    public static func parse(value: JSONValue) throws -> TrainerOptions {
        let r = try OptionsReader(value, known: knownKeys)
        var o = TrainerOptions()
        if let a = try r.child("optimizer", known: optimizerKeys) { o.optimizer = try parseAdam(a) }
        if let a = try r.child("alpha_optimizer", known: optimizerKeys) { o.alphaOptimizer = try parseAdam(a) }
        if let s = try r.child("schedule", known: scheduleKeys) { o.schedule = try parseSchedule(s) }
        if let s = try r.child("alpha_schedule", known: scheduleKeys) { o.alphaSchedule = try parseSchedule(s) }
        o.loss = try r.enumeration("loss", LossKind.self) ?? .l1
        o.clipGradNorm = try r.number("clip_grad_norm")
        if let s = try r.integer("seed", 0...Int64.max) { o.seed = UInt64(s) }
        o.keyTemperature = try r.number("key_temperature") ?? 1
        o.costLambda = try r.number("cost_lambda") ?? 0
        if let s = try r.child("search", known: ["warmup_steps", "search_steps"]) {
            o.searchWarmupSteps = try s.integer("warmup_steps", maxSteps) ?? 0
            o.searchSteps = try s.integer("search_steps", 1...maxSteps.upperBound) ?? 1
        }
        if let t = try r.child("layer_temperature", known: ["start", "end"]) {
            o.layerTemperatureStart = try t.number("start") ?? 5
            o.layerTemperatureEnd = try t.number("end") ?? 0.5
        }
        try o.validate()
        return o
    }

    static func parseAdam(_ r: OptionsReader) throws -> AdamSettings {
        if let kind = try r.string("kind"), kind != "adam" {
            throw AclaError.invalidArgument("\(r.what): \"\(r.prefix)kind\" must be \"adam\" (the one optimiser), got \"\(AclaError.excerpt(kind))\"")
        }
        var a = AdamSettings()
        a.learningRate = try r.number("lr") ?? a.learningRate
        if let b = try r.numbers("betas", count: 2) { (a.beta1, a.beta2) = (b[0], b[1]) }
        a.eps = try r.number("eps") ?? a.eps
        a.weightDecay = try r.number("weight_decay") ?? a.weightDecay
        return a
    }

    static func parseSchedule(_ r: OptionsReader) throws -> LearningRateSchedule {
        var s = LearningRateSchedule()
        s.warmupSteps = try r.integer("warmup_steps", maxSteps) ?? 0
        let kind = try r.string("kind") ?? "constant"
        let allowed: [String: [String]] = ["constant": [], "halving": ["every", "milestones"],
                                           "step": ["step_size", "gamma"], "cosine": ["t_max", "eta_min"]]
        guard let own = allowed[kind] else {
            throw AclaError.invalidArgument("\(r.what): \"\(r.prefix)kind\" must be one of \"constant\", \"halving\", \"step\", \"cosine\", got \"\(AclaError.excerpt(kind))\"")
        }
        for key in r.object.keys where !(["kind", "warmup_steps"] + own).contains(key) {
            throw AclaError.invalidArgument("\(r.what): \"\(r.prefix)\(key)\" does not apply to schedule kind \"\(kind)\"")
        }
        switch kind {
        case "halving":
            s.kind = .halving(every: try r.integer("every", 1...maxSteps.upperBound), milestones: try r.integers("milestones") ?? [])
        case "step":
            guard let size = try r.integer("step_size", 1...maxSteps.upperBound) else {
                throw AclaError.invalidArgument("\(r.what): schedule kind \"step\" needs \"\(r.prefix)step_size\"")
            }
            s.kind = .step(size: size, gamma: try r.number("gamma") ?? 0.1)
        case "cosine":
            guard let tMax = try r.integer("t_max", 1...maxSteps.upperBound) else {
                throw AclaError.invalidArgument("\(r.what): schedule kind \"cosine\" needs \"\(r.prefix)t_max\" (steps)")
            }
            s.kind = .cosine(tMax: tMax, etaMin: try r.number("eta_min") ?? 0)
        default:
            s.kind = .constant
        }
        try s.validate()
        return s
    }

    /// The canonical JSON (every key written), stored in training checkpoints.
    public var json: String { JSONWriter.string(jsonValue) }

    public var jsonValue: JSONValue {
        func adam(_ a: AdamSettings) -> JSONValue {
            .object(JSONObject([("kind", .string("adam")), ("lr", .number(a.learningRate)),
                                ("betas", .array([.number(a.beta1), .number(a.beta2)])), ("eps", .number(a.eps)),
                                ("weight_decay", .number(a.weightDecay))]))
        }
        func scheduleJSON(_ s: LearningRateSchedule) -> JSONValue {
            var o = JSONObject()
            switch s.kind {
            case .constant: o["kind"] = .string("constant")
            case .halving(let every, let milestones):
                o["kind"] = .string("halving")
                if let every { o["every"] = .integer(Int(every)) } else { o["milestones"] = .array(milestones.map { .integer(Int($0)) }) }
            case .step(let size, let gamma):
                o["kind"] = .string("step"); o["step_size"] = .integer(Int(size)); o["gamma"] = .number(gamma)
            case .cosine(let tMax, let etaMin):
                o["kind"] = .string("cosine"); o["t_max"] = .integer(Int(tMax)); o["eta_min"] = .number(etaMin)
            }
            o["warmup_steps"] = .integer(Int(s.warmupSteps))
            return .object(o)
        }
        return .object(JSONObject([
            ("optimizer", adam(optimizer)), ("loss", .string(loss.rawValue)),
            ("clip_grad_norm", clipGradNorm.map { .number($0) } ?? .null), ("schedule", scheduleJSON(schedule)),
            ("seed", .integer(Int(clamping: seed))), ("key_temperature", .number(keyTemperature)),
            ("cost_lambda", .number(costLambda)), ("alpha_optimizer", adam(alphaOptimizer)),
            ("alpha_schedule", scheduleJSON(alphaSchedule)),
            ("search", .object(JSONObject([("warmup_steps", .integer(Int(searchWarmupSteps))),
                                           ("search_steps", .integer(Int(searchSteps)))]))),
            ("layer_temperature", .object(JSONObject([("start", .number(layerTemperatureStart)),
                                                      ("end", .number(layerTemperatureEnd))]))),
        ]))
    }
}
