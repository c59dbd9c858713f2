import Acla
#if canImport(Glibc)
import Glibc
#endif

/// The progress bar of `acla restore` on stderr: overall work (forward passes of every file),
/// the current file and its tiles, elapsed time and ETA. Drawn only when stderr is a terminal
/// and --quiet is not given; redrawn at most 10 times a second.
final class RestoreProgressBar {
    let enabled: Bool
    let totalPasses: Int
    let files: Int
    private var finishedPasses = 0
    private let start = ContinuousClock.now
    private var lastDraw: ContinuousClock.Instant?
    private var drawn = false

    init(quiet: Bool, totalPasses: Int, files: Int) {
        enabled = !quiet && isatty(2) == 1
        self.totalPasses = max(totalPasses, 1)
        self.files = files
    }

    /// Progress inside file `index` (0-based) named `name`.
    func update(file index: Int, name: String, _ p: RestoreProgress) {
        guard enabled else { return }
        let now = ContinuousClock.now
        if let lastDraw, now - lastDraw < .milliseconds(100), p.done < p.total { return }
        lastDraw = now
        let done = min(finishedPasses + p.done, totalPasses)
        let fraction = Double(done) / Double(totalPasses)
        let elapsed = seconds(now - start)
        let eta = done > 0 ? elapsed * (1 - fraction) / fraction : nil
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        var line = "[\(bar)] \(Int(fraction * 100))%"
        if files > 1 { line += "  file \(index + 1)/\(files)" }
        line += "  tile \(min(p.tilesDone + 1, p.tiles))/\(p.tiles)  \(clock(elapsed)) elapsed"
        if let eta { line += ", ETA \(clock(eta))" }
        line += "  " + AclaError.excerpt(name, limit: 30)
        CLIText.writeStandardError("\r" + line + "\u{1B}[K")
        drawn = true
    }

    /// A file is finished (or failed): its passes count as done.
    func finish(passes: Int) { finishedPasses += passes }

    /// Clears the bar before other output goes to the terminal.
    func clear() {
        guard enabled, drawn else { return }
        CLIText.writeStandardError("\r\u{1B}[K")
        drawn = false
    }

    private func seconds(_ d: Duration) -> Double { RestoreProgressBar.seconds(d) }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    private func clock(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? CLIText.format("%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : CLIText.format("%d:%02d", t / 60, t % 60)
    }
}
