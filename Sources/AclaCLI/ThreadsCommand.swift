import Acla
import ArgumentParser

/// `acla threads`: prints the thread count kernels use (the number of cores by default).
struct Threads_: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "threads", abstract: "Print the default thread count.")
    func run() throws { print(Acla.Threads.count) }
}
