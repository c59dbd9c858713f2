import Acla
import ArgumentParser

/// `acla models`: the bundled default models, with their training data, steps and scores.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the bundled default models (training data, steps, scores).")

    @Flag(help: "Print the catalog as JSON.")
    var json = false

    func run() throws {
        try cliGuard {
            let (directory, entries) = try BundledModels.catalog()
            if json {
                print(JSONWriter.string(.object(JSONObject([("directory", .string(directory)),
                                                            ("models", .array(entries.map(\.json)))]))))
                return
            }
            print("bundled models in \(directory):")
            if entries.isEmpty { print("  none yet") }
            for e in entries {
                guard case .object(let o) = e.json else { continue }
                var line = "  \(e.name)  task \(e.task)" + (e.task == "sr" ? " x\(e.scale)" : "")
                for key in ["architecture", "training", "scores", "status"] {
                    if let v = o[key] { line += "\n      \(key): \(JSONWriter.string(v))" }
                }
                print(line)
            }
        }
    }
}
