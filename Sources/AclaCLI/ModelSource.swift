import Acla
import Foundation

/// Where the CLI gets a model: a JSON config file (fresh weights from its seed) or a safetensors
/// checkpoint, with an optional config override (a file or inline JSON) and load options.
enum ModelSource {
    /// True when the file starts with '{' after whitespace: a JSON config rather than a checkpoint.
    static func isConfigFile(_ path: String) throws -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw AclaError.io("cannot open '\(path)'")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 64)) ?? Data()
        return head.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{")
    }

    /// The text of a config given inline (`{...}`) or as a path to a JSON file.
    static func configText(_ argument: String) throws -> String {
        if argument.trimmingCharacters(in: .whitespaces).hasPrefix("{") { return argument }
        guard let data = FileManager.default.contents(atPath: argument) else {
            throw AclaError.io("cannot read config file '\(argument)'")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw AclaError.format("config file '\(argument)' is not UTF-8 text")
        }
        return text
    }

    static func network(_ path: String, config: String?, options: CheckpointLoadOptions = []) throws -> Network {
        let override = try config.map { try ModelConfig.parse(configText($0)) }
        if try isConfigFile(path) {
            if override != nil { throw AclaError.invalidArgument("--config applies to checkpoints, and '\(path)' is a config") }
            return try Network(config: ModelConfig.parse(configText(path)))
        }
        return try Network.load(path: path, config: override, options: options)
    }

    static func loadOptions(ignoreTail: Bool, keepMissingAttention: Bool) -> CheckpointLoadOptions {
        var o: CheckpointLoadOptions = []
        if ignoreTail { o.insert(.ignoreTail) }
        if keepMissingAttention { o.insert(.keepMissingAttention) }
        return o
    }
}

/// Parses "HxW" or "N" (square) image sizes.
func parseImageSize(_ text: String) throws -> (height: Int, width: Int) {
    let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let h = Int(parts[0]), let w = Int(parts.last!), h >= 1, w >= 1,
          h <= Int(Int32.max), w <= Int(Int32.max) else {
        throw AclaError.invalidArgument("size must be HxW with positive integers (e.g. 48x48), got \"\(text)\"")
    }
    return (h, w)
}
