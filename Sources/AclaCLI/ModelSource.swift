import Acla
#if canImport(Glibc)
import Glibc
#endif

/// Where the CLI gets a model. One rule for every subcommand and for `--config`: an argument
/// that starts with '{' is inline JSON; anything else is a path, which must name a regular file
/// (a FIFO or a folder is refused before it is opened, so nothing blocks), and a file whose
/// text starts with '{' is a JSON config, any other file a safetensors checkpoint. A bare name
/// (no '/' or '.') that is no file names a bundled model (`acla models`: "sr-x2-acla").
enum ModelSource {
    static func isInlineJSON(_ argument: String) -> Bool {
        argument.drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).first == "{"
    }

    /// Throws unless `path` is an existing regular file, naming the reason.
    static func requireRegularFile(_ path: String, what: String = "file") throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw AclaError.io("cannot open \(what) '\(path)': \(String(cString: strerror(errno)))")
        }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG else {
            let name = kind == S_IFDIR ? "a folder" : kind == S_IFIFO ? "a FIFO" : kind == S_IFSOCK ? "a socket" : "a device"
            throw AclaError.io("\(what) '\(path)' is \(name), not a regular file")
        }
    }

    /// True when the file starts with '{' after whitespace: a JSON config rather than a checkpoint.
    static func isConfigFile(_ path: String) throws -> Bool {
        try requireRegularFile(path, what: "model")
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw AclaError.io("cannot open model '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &head, head.count)
        guard n >= 0 else { throw AclaError.io("cannot read model '\(path)': \(String(cString: strerror(errno)))") }
        return head.prefix(n).first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{")
    }

    /// The text of a config given inline (`{...}`) or as a path to a JSON file.
    static func configText(_ argument: String) throws -> String {
        if isInlineJSON(argument) { return argument }
        try requireRegularFile(argument, what: "config file")
        guard let data = CLIText.readFile(argument, limit: 1 << 24) else {
            throw AclaError.io("cannot read config file '\(argument)': \(CLIText.errnoText)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw AclaError.format("config file '\(argument)' is not UTF-8 text")
        }
        return text
    }

    /// True for an argument that can only mean a bundled model: no path separator, no extension,
    /// not inline JSON, and no file of that name in the working folder.
    static func isBundledName(_ argument: String) -> Bool {
        !argument.isEmpty && !argument.contains("/") && !argument.contains(".") && !isInlineJSON(argument)
            && access(argument, F_OK) != 0
    }

    static func network(_ path: String, config: String?, options: CheckpointLoadOptions = []) throws -> Network {
        let override = try config.map { try ModelConfig.parse(configText($0)) }
        if isBundledName(path) {
            let file: String
            do { file = try BundledModels.path(of: path) } catch let e as AclaError where e.status == .invalidArgument {
                throw AclaError.io("no file '\(AclaError.excerpt(path))' and \(e.message)")
            }
            return try Network.load(path: file, config: override, options: options)
        }
        if try isInlineJSON(path) || isConfigFile(path) {
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
    guard (1...2).contains(parts.count), let h = Int(parts[0]), let w = Int(parts[parts.count - 1]), h >= 1, w >= 1,
          h <= Int(Int32.max), w <= Int(Int32.max) else {
        throw AclaError.invalidArgument("size must be HxW with positive integers (e.g. 48x48), got \"\(text)\"")
    }
    return (h, w)
}

/// A seeded random image batch, values uniform in 0..255, for commands that run a model without
/// an input of the user's (`info`'s attention summary, `attention --size`, `profile`).
func randomInput(_ shape: [Int]) throws -> Tensor {
    _ = try CheckedSize.product(shape, limit: Network.maxFeatureMapElements, what: "input")
    var rng = RandomGenerator(seed: 0)
    var x = try Tensor(uninitialized: shape, what: "input")
    for i in 0..<x.count { x.data[i] = Float(rng.uniform(0, 255)) }
    return x
}
