import ArgumentParser

/// Every subcommand of `acla`, in the order `acla --help` lists them.
enum CLISubcommands {
    static let all: [ParsableCommand.Type] = [
        Info.self,
        ModelInit.self,
        Forward.self,
        AttentionStatisticsCommand.self,
        Degrade.self,
        Eval.self,
        ModelsCommand.self,
        Train.self,
        Search.self,
        Restore.self,
        Visualize.self,
        Compare.self,
        ProfileCommand.self,
        Threads_.self,
    ]
}
