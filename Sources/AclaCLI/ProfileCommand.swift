import Acla
import ArgumentParser

/// `acla profile MODEL [--size HxW] [--batch N] [--repeats N] [--train]`: the wall time of every
/// stage of a forward pass (head, each body layer, each attention module, the body's closing
/// conv, upsampler, tail), averaged over --repeats passes after one warm-up; with --train, the
/// forward records the tape (training mode) and the table adds the backward pass of an L1 loss.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Wall time of each stage of a forward pass (and the backward of a training step).")

    @OptionGroup var source: ModelArguments
    @OptionGroup var runtime: RuntimeOptions

    @Option(parsing: .unconditional, help: "Input size HxW (a seeded random image).")
    var size: String = "256x256"
    @Option(help: "Images per pass.") var batch: Int = 1
    @Option(help: "Timed passes after one warm-up.") var repeats: Int = 5
    @Flag(help: "Training mode: record the tape and time the backward pass of an L1 loss too.") var train = false

    func run() throws {
        try cliGuard(runtime) {
            guard (1...1000).contains(repeats) else { throw AclaError.invalidArgument("--repeats must be within 1...1000, got \(repeats)") }
            guard (1...4096).contains(batch) else { throw AclaError.invalidArgument("--batch must be within 1...4096, got \(batch)") }
            let net = try source.network()
            let (h, w) = try parseImageSize(size)
            let shape = [batch, net.config.channels, h, w]
            let x = try randomInput(shape)
            let profile = LayerProfile()
            // one workspace for every pass, as the C API's forwards and the trainer's steps keep one
            let workspace = Workspace()
            for round in 0...repeats {
                let pass = ForwardPass(mode: train ? .training : .evaluation, seed: UInt64(round))
                pass.workspace = workspace
                pass.profile = round > 0 ? profile : nil   // round 0 warms up (weights, workspace)
                if train {
                    try Workspace.using(workspace) {
                        let y = try net.forward(Variable(x), pass: pass)
                        let target = Variable(try Tensor(checkedZeros: y.shape, what: "target"))
                        let loss = try l1Loss(y, target)
                        try (round > 0 ? profile : LayerProfile()).measure("backward (L1 loss)") { try loss.backward() }
                    }
                    net.parameters.zeroGradients()
                } else {
                    _ = try net.forward(x, pass: pass)
                }
            }
            print(table(profile, title: "\(train ? "training step" : "forward"), input \(shape), \(Acla.Threads.count) threads, mean of \(repeats)"))
        }
    }

    private func table(_ p: LayerProfile, title: String) -> String {
        var lines = [title, "stage                      ms    share"]
        let total = p.total
        for name in p.names {
            let s = (p.seconds[name] ?? 0) / Double(repeats)
            let pad = String(repeating: " ", count: max(1, 22 - name.count))
            lines.append(name + pad + CLIText.format("%9.2f   %5.1f %%", s * 1000, total > 0 ? 100 * s * Double(repeats) / total : 0))
        }
        lines.append("total" + String(repeating: " ", count: 17) + CLIText.format("%9.2f", total / Double(repeats) * 1000))
        return lines.joined(separator: "\n")
    }
}
