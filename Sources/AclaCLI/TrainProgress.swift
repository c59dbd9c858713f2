import Acla
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C or SIGTERM during training (a session, a batch system or `kill` ending the run): the
/// first one asks the loop to save a checkpoint and stop; a second one kills the process as usual.
enum Interrupt {
    nonisolated(unsafe) static var requested: sig_atomic_t = 0

    static func install() {
        signal(SIGINT) { _ in
            Interrupt.requested = 1
            signal(SIGINT, SIG_DFL)
        }
        signal(SIGTERM) { _ in
            Interrupt.requested = 1
            signal(SIGTERM, SIG_DFL)
        }
    }
}

/// The progress line on stderr: rewritten in place on a terminal, one line per log interval otherwise.
struct TrainProgressPrinter {
    let quiet: Bool
    let logEvery: Int64
    let isTerminal = isatty(2) != 0
    let label: String

    func report(_ p: TrainingRun.Progress) {
        guard !quiet else { return }
        let remaining = p.stepsPerSecond > 0 ? Double(p.totalSteps - p.step) / p.stepsPerSecond : 0
        var line = "\(label) step \(p.step)/\(p.totalSteps)  loss \(CLIText.format("%.4f", p.loss))  lr \(CLIText.format("%.2e", p.learningRate))"
            + "  \(CLIText.format("%.2f", p.stepsPerSecond)) steps/s  ETA \(Self.duration(remaining))"
        if let v = p.validationPSNR { line += "  val \(CLIText.format("%.3f", v)) dB" }
        if isTerminal {
            let end = p.step == p.totalSteps ? "\n" : ""
            CLIText.writeStandardError("\r\u{1B}[K" + line + end)
        } else if p.validated || p.step % logEvery == 0 || p.step == p.totalSteps {
            CLIText.writeStandardError(line + "\n")
        }
    }

    func finish() {
        if isTerminal && !quiet { CLIText.writeStandardError("\n") }
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h\(CLIText.format("%02d", Int32(s % 3600 / 60)))m" }
        if s >= 60 { return "\(s / 60)m\(CLIText.format("%02d", Int32(s % 60)))s" }
        return "\(s)s"
    }
}

/// Runs the loop with the progress line and Ctrl-C handling; an interrupt exits with status 130
/// after the checkpoint is saved.
func runWithProgress(_ run: TrainingRun, quiet: Bool, logEvery: Int64, label: String) throws {
    let printer = TrainProgressPrinter(quiet: quiet, logEvery: logEvery, label: label)
    Interrupt.install()
    do {
        try run.run(interrupt: { Interrupt.requested != 0 }) { p in
            printer.report(p)
            return Interrupt.requested == 0
        }
    } catch let e as AclaError where e.status == .cancelled {
        printer.finish()
        CLIText.writeStandardError("acla: interrupted: \(e.message)\n")
        throw ExitCode(130)
    }
}

/// Creates the folders that will hold the run's output files (`runs/x.safetensors` needs `runs/`).
func createParentFolders(_ paths: [String?]) throws {
    for case let path? in paths {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { continue }
        let folder = String(path[..<slash])
        guard try CLIText.createFolders(folder) else {
            throw AclaError.io("cannot create folder '\(folder)' for '\(path)': \(CLIText.errnoText)")
        }
    }
}
