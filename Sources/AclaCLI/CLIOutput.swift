import Acla
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// Runs a subcommand body; library errors print as `acla: error: ...` and exit with status 1.
/// `runtime` (the `--threads` option) is applied first.
func cliGuard(_ runtime: RuntimeOptions? = nil, _ body: () throws -> Void) throws {
    do {
        try runtime?.apply()
        try body()
    } catch let error as AclaError {
        CLIExit.printError(error.message)
        throw ExitCode(1)
    }
}

/// The options every subcommand shares.
struct RuntimeOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Threads for OpenMP and OpenBLAS together (default: the number of cores).")
    var threads: Int?

    func apply() throws {
        guard let threads else { return }
        guard let n = Int32(exactly: threads) else {
            throw AclaError.invalidArgument("--threads must be between 1 and \(Int32.max), got \(threads)")
        }
        try Threads.set(n)
    }
}

/// One exit rule for the whole tool: usage mistakes (unknown option, missing value, a value of
/// the wrong type) and bad values both print `acla: error: ...` and exit with status 1; --help
/// and --version exit 0.
enum CLIExit {
    static func printError(_ message: String) {
        CLIText.writeStandardError("acla: error: \(message)\n")
    }

    static func run(_ root: any ParsableCommand.Type) -> Never {
        do {
            var command = try root.parseAsRoot()
            try command.run()
            exit(0)
        } catch let code as ExitCode {
            exit(code.rawValue)  // the message is already printed (cliGuard)
        } catch {
            guard root.exitCode(for: error) != .success else { root.exit(withError: error) }  // --help, --version
            var lines = root.fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if let first = lines.first {
                lines[0] = first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first
            }
            printError(lines.joined(separator: "\n"))
            exit(1)
        }
    }
}
