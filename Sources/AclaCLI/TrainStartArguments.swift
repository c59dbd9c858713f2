import Acla
import ArgumentParser

/// What `acla train` and `acla search` share besides the data: where the weights start and how
/// often the run writes, validates and logs.
struct TrainStartArguments: ParsableArguments {
    @Option(help: "Continue from this training checkpoint.") var resume: String?
    @Option(name: .customLong("init"), help: "Start from the weights of this checkpoint (x3/x4 from x2 with --ignore-tail; a search supernet from a trained backbone). Tensors the model lacks are refused; attention it adds starts fresh.") var initFrom: String?
    @Flag(help: "With --init: load tail tensors only where they fit.") var ignoreTail = false
    @Option(name: .customLong("save-every"), help: "Write the checkpoint every N steps.") var saveEvery: Int64 = 1000
    @Option(name: .customLong("val-every"), help: "Validate every N steps.") var valEvery: Int64 = 1000
    @Option(name: .customLong("log-every"), help: "Log every N steps.") var logEvery: Int64 = 100
    @Flag(help: "No progress output.") var quiet = false

    /// The network to train: `config`'s, from --init's weights when given.
    func network(config: ModelConfig) throws -> Network {
        if resume != nil, initFrom != nil { throw AclaError.invalidArgument("--resume and --init exclude each other") }
        if ignoreTail, initFrom == nil { throw AclaError.invalidArgument("--ignore-tail needs --init") }
        guard let initFrom else { return try Network(config: config) }
        return try Trainer.loadModel(path: initFrom, config: config,
                                     options: ignoreTail ? [.ignoreTail, .keepMissingAttention] : [.keepMissingAttention])
    }

    func apply(to settings: inout TrainingRun.Settings) {
        (settings.saveEvery, settings.validateEvery, settings.logEvery) = (saveEvery, valEvery, logEvery)
    }
}
