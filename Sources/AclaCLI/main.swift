import Acla
import ArgumentParser

struct AclaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acla",
        abstract: "Cross-layer attention for image restoration.",
        version: Version.string,
        subcommands: CLISubcommands.all
    )
}

AclaCommand.main()
