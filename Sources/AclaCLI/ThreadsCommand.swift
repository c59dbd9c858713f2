import Acla
import ArgumentParser

/// `acla threads [--threads N]`: prints the thread count kernels use (the number of cores by
/// default; what the library reports after `--threads N`).
struct Threads_: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "threads", abstract: "Print the thread count.")
    @OptionGroup var runtime: RuntimeOptions
    func run() throws { try cliGuard(runtime) { print(Acla.Threads.count) } }
}
