import ArgumentParser

/// Every subcommand of `acla`, in the order `acla --help` lists them.
enum CLISubcommands {
    static let all: [ParsableCommand.Type] = [
        Threads_.self,
        Degrade.self,
        Eval.self,
    ]
}
