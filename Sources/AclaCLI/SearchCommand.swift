import Acla
import ArgumentParser

/// `acla search`: the insert-position search on a supernet config (attention positions "all"),
/// then the derived architecture written as a normal checkpoint and a report.
struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search where attention modules go (supernet, two stages), write the derived model.",
        discussion: """
        Stage 1 trains the supernet's weights for --warmup-steps with every module on (from a trained backbone with --init); stage 2 alternates one weight step on a training batch and one alpha step on a validation batch for --search-steps, with lambda * log(cost) in the loss and the layer-gate temperature decaying from 5 to 0.5. Both optimisers are Adam lr 1e-4 with a cosine schedule unless --options/--lr/--schedule say otherwise. The positions with alpha >= 0 are kept: --out is a normal checkpoint of that model, ready for `acla train --init`.
        """)

    @Option(help: "Supernet model config (attention positions \"all\"), JSON file or inline.") var config: String
    @Option(help: "lambda: weight of log(cost in GMACs) in the loss (the paper: 0.15 for EDSR x2 SR, 0.2-0.3 elsewhere).") var lambda: Double
    @Option(name: .customLong("warmup-steps"), help: "Stage 1 weight steps (every module on).") var warmupSteps: Int64
    @Option(name: .customLong("search-steps"), help: "Stage 2 weight steps (each followed by an alpha step).") var searchSteps: Int64
    @Option(help: "The derived model's checkpoint.") var out: String
    @Option(help: "Write the search report as JSON here.") var report: String?
    @Option(help: "The supernet's training checkpoint (default: <out>.supernet.safetensors).") var checkpoint: String?
    @Option(help: "JSON-lines log file (appended; alpha is logged every --log-every steps).") var log: String?
    @OptionGroup var start: TrainStartArguments
    @OptionGroup var dataOptions: TrainDataArguments
    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var distributed: DistributedArguments

    func run() throws {
        try distributed.session { communicator in try search(communicator) }
    }

    func search(_ communicator: Communicator?) throws {
        let leader = communicator?.isLeader ?? true
        try cliGuard(runtime) {
            guard warmupSteps >= 0, searchSteps >= 1 else {
                throw AclaError.invalidArgument("--warmup-steps must be >= 0 and --search-steps >= 1, got \(warmupSteps) and \(searchSteps)")
            }
            let cfg = try ModelConfig.parse(ModelSource.configText(config))
            guard case .all = cfg.attention.positions, cfg.attention.kind == .cla || cfg.attention.kind == .acla else {
                throw AclaError.invalidArgument("acla search needs a supernet config: attention kind \"cla\" or \"acla\" with positions \"all\"")
            }
            guard dataOptions.val != nil || dataOptions.valHoldout != nil else {
                throw AclaError.invalidArgument("acla search needs validation images for the alpha steps: --val DIR or --val-holdout N")
            }
            let steps = warmupSteps + searchSteps
            var options = try ArchitectureSearch.options(base: dataOptions.trainerOptions(steps: steps), lambda: lambda,
                                                         warmupSteps: warmupSteps, searchSteps: searchSteps,
                                                         keepSchedules: dataOptions.schedule != nil || dataOptions.options != nil)
            if dataOptions.options == nil, let lr = dataOptions.lr { options.alphaOptimizer.learningRate = lr }
            let trainer = try Trainer(network: try start.network(config: cfg), options: options)
            trainer.communicator = communicator
            let supernetPath = checkpoint ?? (out.lowercased().hasSuffix(".safetensors") ? String(out.dropLast(12)) : out) + ".supernet.safetensors"
            if leader { try createParentFolders([out, report, log, supernetPath]) }
            var request = try dataOptions.request(checkpoint: supernetPath, steps: steps)
            request.settings.keepBest = false
            start.apply(to: &request.settings)
            request.settings.logPath = log
            request.resume = start.resume
            let (run, notes) = try request.makeRun(trainer: trainer)
            if leader { for n in notes { ImageCommandSupport.note(n) } }
            if start.resume != nil {
                guard trainer.options == options else {
                    throw AclaError.invalidArgument("--resume: the checkpoint's options differ from this command line's (\(TrainerOptionsDiff.describe(trainer.options, options)))")
                }
            }
            try runWithProgress(run, quiet: start.quiet || !leader, logEvery: start.logEvery, label: "search")
            guard leader else { return }
            let (_, result) = try ArchitectureSearch.finish(trainer: trainer, validation: run.validation, derivedPath: out,
                                                            referenceSize: dataOptions.patch)
            print(result.table)
            if let report { try AtomicFileWriter.write(Array(result.json.utf8), to: report) }
            print("wrote \(out) (positions \(result.positions.isEmpty ? "none" : result.positions.map(String.init).joined(separator: ", "))); supernet checkpoint \(supernetPath)")
        }
    }
}

/// Which top-level trainer options differ, for resume errors.
enum TrainerOptionsDiff {
    static func describe(_ a: TrainerOptions, _ b: TrainerOptions) -> String {
        guard case .object(let x) = a.jsonValue, case .object(let y) = b.jsonValue else { return "" }
        return x.keys.compactMap { k -> String? in
            guard x[k] != y[k] else { return nil }
            return "\"\(k)\": checkpoint \(x[k].map(JSONWriter.string) ?? "null"), command line \(y[k].map(JSONWriter.string) ?? "null")"
        }.joined(separator: "; ")
    }
}
