import Acla
import ArgumentParser

/// `acla train`: trains a model on a folder of images with checkpoints that resume bit for bit.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on a folder of images (checkpoints resume bit-identically).",
        discussion: """
        --steps is the total: --resume of a checkpoint saved at step 10 with --steps 20 runs steps 11-20 and ends exactly where an uninterrupted --steps 20 run ends. Resume with the same command line plus --resume (options that differ from the checkpoint's are refused).

        Ctrl-C saves the checkpoint, then exits. `mpirun -np N acla train ... --distributed mpi` trains data-parallel over N ranks (--batch is the global batch, rank 0 writes every file; docs/DISTRIBUTED.md). --log writes one JSON object per logged step (step, loss, lr, and val_psnr/val_ssim when validated). See docs/TRAINING.md.
        """)

    @Option(help: "Model config (JSON file or inline JSON).") var config: String
    @Option(help: "Total number of weight steps.") var steps: Int64
    @Option(help: "Training checkpoint to write (model + optimiser + counters).") var out: String
    @Option(help: "Best-validation model path (default: <out>.best.safetensors).") var best: String?
    @Option(help: "JSON-lines log file (appended).") var log: String?
    @Option(help: "Also write the final weights as a plain model checkpoint here.") var export: String?
    @OptionGroup var start: TrainStartArguments
    @OptionGroup var dataOptions: TrainDataArguments
    @OptionGroup var runtime: RuntimeOptions
    @OptionGroup var distributed: DistributedArguments

    func run() throws {
        try distributed.session { communicator in try train(communicator) }
    }

    func train(_ communicator: Communicator?) throws {
        let leader = communicator?.isLeader ?? true
        try cliGuard(runtime) {
            guard steps >= 0 else { throw AclaError.invalidArgument("--steps must be >= 0, got \(steps)") }
            let cfg = try ModelConfig.parse(ModelSource.configText(config))
            if leader { try createParentFolders([out, best, log, export]) }
            let network = try start.network(config: cfg)
            let options = try dataOptions.trainerOptions(steps: steps)
            let trainer = try Trainer(network: network, options: options)
            trainer.communicator = communicator
            var request = try dataOptions.request(checkpoint: out, steps: steps)
            request.settings.bestPath = best
            start.apply(to: &request.settings)
            request.settings.logPath = log
            request.resume = start.resume
            let (run, notes) = try request.makeRun(trainer: trainer)
            if leader { for n in notes { ImageCommandSupport.note(n) } }
            if !start.quiet, leader, let v = run.validation, let b = try v.baseline() {
                let what = cfg.task == .sr ? "bicubic" : "the input"
                ImageCommandSupport.note("validation: \(v.items.count) image(s); \(what) scores \(ImageCommandSupport.format(b.meanPSNR)) dB")
            }
            if start.resume != nil {
                guard trainer.options == options else {
                    throw AclaError.invalidArgument("--resume: the checkpoint's trainer options differ from this command line's (\(TrainerOptionsDiff.describe(trainer.options, options))); resume with the original options")
                }
            }
            try runWithProgress(run, quiet: start.quiet || !leader, logEvery: start.logEvery, label: "train")
            guard leader else { return }
            if let v = run.lastValidationPSNR {
                print("step \(trainer.step): validation \(CLIText.format("%.4f", v)) dB (best \(CLIText.format("%.4f", run.bestPSNR)) dB at step \(run.bestStep), \(run.settings.resolvedBestPath))")
            }
            if let export { try trainer.network.save(to: export) }
            print("wrote \(out) (step \(trainer.step))\(export.map { " and \($0)" } ?? "")")
        }
    }

}
