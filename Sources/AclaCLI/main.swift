import Acla
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

struct AclaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acla",
        abstract: "Cross-layer attention for image restoration.",
        discussion: "Errors (a bad value, a usage mistake, a failing file) print as `acla: error: ...` on stderr and exit with status 1.",
        version: Version.string,
        subcommands: CLISubcommands.all
    )
}

CLIExit.run(AclaCommand.self)
